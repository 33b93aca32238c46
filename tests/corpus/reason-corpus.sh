#!/bin/bash
# reason-corpus.sh - the reason classifier on the labelled bounce corpus.
#
# Perl Sisimai (reason-dump.pl) reads each message of the corpus and gives
# what it found per recipient (status, reply code, action, diagnostic);
# reason_corpus classifies those and compares with the labels.  The rows
# are written into the build tree (the corpus is not redistributed).  The
# corpus is found at $LIVEADDR_CORPUS, else next to the source tree
# (../shared/corpus/bounces); without it, or without Perl Sisimai (Debian
# libsisimai-perl), the test is skipped.
#
# Fails when the reasons agree with fewer than REASON_MIN percent of the
# labels (default 85: Sisimai 4's diagnostics differ from our parser's), or
# when any complaint, auto-reply or delivery notice is called a hard bounce.
set -u
. "$top_srcdir/tests/stack/tap.sh"
corpus=${LIVEADDR_CORPUS:-$top_srcdir/../shared/corpus/bounces}
harness=$top_builddir/tests/corpus/reason_corpus
rows=$top_builddir/tests/corpus/reasons.tsv

[ -f "$corpus/labels.tsv" ] || tap_skip_all "no bounce corpus at $corpus (set LIVEADDR_CORPUS)"
perl -MSisimai -e 1 2>/dev/null || tap_skip_all "Perl Sisimai not installed (libsisimai-perl)"
[ -x "$harness" ] || tap_skip_all "$harness is not built"

tap_plan 2
mkdir -p "$(dirname "$rows")"
tap_check "Perl Sisimai reads the corpus" \
    sh -c 'perl "$1" "$2" > "$3" && test -s "$3"' sh \
    "$top_srcdir/tests/corpus/reason-dump.pl" "$corpus" "$rows"
out=$("$harness" -m "${REASON_MIN:-87}" "$rows" 2>&1) && status=0 || status=$?
tap_result "$status" "reasons agree with the labels, no non-bounce is hard"
tap_diag "$out"
[ "$tap_failed" -eq 0 ]
