/*++
 * NAME
 *	fuzz_report 1
 * SUMMARY
 *	libFuzzer target: the report parser and the reason classifier
 * SYNOPSIS
 *	built and run by tests/fuzz/fuzz-run.sh (clang -fsanitize=fuzzer)
 * DESCRIPTION
 *	Each input is one whole message, any bytes.  It goes through
 *	report_parse() as the milter and "liveaddrctl parse" pass it; the
 *	verdict is then read the way they read it: every string of the
 *	report and of each recipient must end inside its array, the kind
 *	and actions must be known values, and each recipient's fields go
 *	through reason_classify() and reason_is_hard() again (once as the
 *	parser asked, once without the SMTP command and once for each other
 *	kind of report), and a tag found in the report goes through
 *	tag_verify() with a fixed two-key ring, as the milter does.  The
 *	first REPORT_TEXT_MAX bytes of the input are also classified as a
 *	diagnostic on their own (and as the recipient and remote MTA the
 *	provider rows look at), so that the classifier's tables see raw
 *	text too.  Then the input is cut as an mbox (msgfile_next(), as
 *	"liveaddrctl parse" and the corpus test read files): the pieces
 *	must follow each other and cover the input exactly.
 *
 *	The documented promises checked (abort() when broken, which is how
 *	libFuzzer is told): at most REPORT_RCPTS_MAX recipients, a
 *	recipient array whenever there are recipients, a reason name
 *	whatever the input, and no hard recipient in a report that is not
 *	a DSN, nor a delayed one in a DSN.
 *
 *	Crashes, leaks and sanitizer reports are libFuzzer's and the
 *	sanitizers' to find: this file only makes the calls.
 * MEMORY
 *	Nothing is kept between inputs: the report is freed with
 *	report_free() after every report_parse(), whatever it returned.
 *--*/

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgfile.h"
#include "reason.h"
#include "report.h"
#include "tag.h"
#include "fuzz.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ends_inside - a string that ends (NUL) inside its array */

#define ends_inside(field) (memchr((field), 0, sizeof(field)) != NULL)

/* fuzz_ring - the fixed two-key ring found tags are verified with */

static const TAG_KEYRING *fuzz_ring(void)
{
    static TAG_KEYRING ring;
    static int done;
    char    err[256];

    if (!done) {
	memset(&ring, 0, sizeof(ring));
	if (tag_keyring_add(&ring, "k1", "fuzz-secret-one-0123456789", 26, err, sizeof(err)) != 0
	    || tag_keyring_add(&ring, "k2", "fuzz-secret-two-9876543210", 26, err, sizeof(err)) != 0)
	    abort();				/* the harness is broken */
	done = 1;
    }
    return (&ring);
}

/* classify_rcpt - a recipient's fields through the classifier */

static void classify_rcpt(const REPORT *rep, const REPORT_RCPT *r)
{
    static const REPORT_KIND kinds[] = {
	REPORT_DSN, REPORT_COMPLAINT, REPORT_AUTOREPLY, REPORT_UNKNOWN,
    };
    REASON_INPUT in;
    const char *reason;

    memset(&in, 0, sizeof(in));
    in.action = r->action;
    in.status = r->status;
    in.reply_code = r->reply_code;
    in.diagnostic = r->diagnostic;
    in.format = rep->format;
    in.command = r->command[0] ? r->command : NULL;
    in.recipient = r->address;
    in.remote_mta = r->remote_mta;
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
	in.kind = kinds[k];
	reason = reason_classify(&in);
	CHECK(reason != NULL);
	(void) reason_is_hard(reason, r->status, r->reply_code);
    }
    in.kind = REPORT_DSN;
    in.command = NULL;
    reason = reason_classify(&in);
    CHECK(reason != NULL);
    (void) reason_is_hard(reason, in.status, in.reply_code);
}

/* check_report - the verdict read as the milter and the CLI read it */

static void check_report(const REPORT *rep)
{
    CHECK((unsigned) rep->kind < REPORT_KIND_COUNT);
    CHECK(rep->nrcpt >= 0 && rep->nrcpt <= REPORT_RCPTS_MAX);
    CHECK(rep->nrcpt_dropped >= 0);
    CHECK(rep->nrcpt == 0 || rep->rcpt != NULL);
    CHECK(ends_inside(rep->format) && ends_inside(rep->from)
	  && ends_inside(rep->tag) && ends_inside(rep->feedback_type)
	  && ends_inside(rep->why));
    (void) report_kind_name(rep->kind);
    for (int i = 0; i < rep->nrcpt; i++) {
	const REPORT_RCPT *r = rep->rcpt + i;

	CHECK((unsigned) r->action < REPORT_ACTION_COUNT);
	CHECK(ends_inside(r->address) && ends_inside(r->original)
	      && ends_inside(r->status) && ends_inside(r->diagnostic)
	      && ends_inside(r->remote_mta) && ends_inside(r->command)
	      && ends_inside(r->reason));
	if (rep->kind != REPORT_DSN)
	    CHECK(!r->hard);
	if (r->action == REPORT_ACTION_DELAYED)
	    CHECK(!r->hard);
	(void) report_action_name(r->action);
	classify_rcpt(rep, r);
    }
    if (rep->tag[0]) {
	TAG     tag;

	(void) tag_verify(fuzz_ring(), rep->tag, strlen(rep->tag), 20000, &tag);
    }
}

/* classify_raw - the input's first bytes as a diagnostic of their own */

static void classify_raw(const uint8_t *data, size_t size)
{
    char    text[REPORT_TEXT_MAX + 1];
    REASON_INPUT in;
    size_t  n = size < REPORT_TEXT_MAX ? size : REPORT_TEXT_MAX;

    memcpy(text, data, n);
    text[n] = 0;
    memset(&in, 0, sizeof(in));
    in.action = REPORT_ACTION_FAILED;
    in.diagnostic = text;
    in.kind = REPORT_DSN;
    CHECK(reason_classify(&in) != NULL);
    in.recipient = text;
    in.remote_mta = text;
    CHECK(reason_classify(&in) != NULL);
}

/* cut_mbox - the input cut into messages: contiguous pieces that cover it */

static void cut_mbox(const uint8_t *data, size_t size)
{
    size_t  pos = 0, len, covered = 0;
    const char *msg;

    while (msgfile_next((const char *) data, size, &pos, &msg, &len)) {
	CHECK(msg == (const char *) data + covered);
	CHECK(len > 0 && len <= size - covered);
	covered += len;
	CHECK(pos == covered);
    }
    CHECK(covered == size);
}

/* LLVMFuzzerTestOneInput - one message */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    REPORT  rep;

    if (report_parse((const char *) data, size, &rep) == REPORT_OK)
	check_report(&rep);
    report_free(&rep);
    classify_raw(data, size);
    cut_mbox(data, size);
    return (0);
}
