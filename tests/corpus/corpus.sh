#!/bin/sh
# corpus.sh - the report parser on the labelled corpus of real bounces (TAP).
#
# The corpus is ${LIVEADDR_CORPUS:-$top_srcdir/../shared/corpus/bounces}
# (labels.tsv and eml/); without it the test is skipped: "1..0 # SKIP"
# and exit 0 under make check (the TAP driver counts an exit 77 as an
# error), exit 77 when run by hand (top_builddir unset).  It
# prints the table per source MTA and overall, then checks: recipients
# found and hard/soft equal to the label at least the floors below (what
# the parser reaches today, with the label errata of label-errata.tsv),
# no non-bounce classified hard, and CRLF/CR copies answering as the LF
# original.  Reached: recipients 100 %, hard/soft 99.1 %, reasons 95.8 %;
# the floors are the issue's targets (99, 99, 95), so one changed verdict
# can turn this red: deliberately (docs/reasons.md lists the rows that
# still differ, and why).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
skip_status=0
[ -n "$top_builddir" ] || skip_status=77
top_builddir=${top_builddir:-.}
corpus=${LIVEADDR_CORPUS:-$top_srcdir/../shared/corpus/bounces}
if [ ! -f "$corpus/labels.tsv" ] || [ ! -d "$corpus/eml" ]; then
    echo "1..0 # SKIP: corpus absent ($corpus)"
    echo "SKIP: corpus absent" >&2
    exit $skip_status
fi
exec "$top_builddir/tests/corpus/corpus_report" \
    -r "${CORPUS_MIN_RCPT:-99}" -s "${CORPUS_MIN_HARD:-99}" -e "${CORPUS_MIN_REASON:-95}" \
    -x "$top_srcdir/tests/corpus/label-errata.tsv" "$corpus"
