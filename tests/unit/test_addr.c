/*
 * test_addr - address parsing, normalization and suggestions, as a table.
 *
 * Each row is one address a salesperson might type or paste: the input,
 * the verdict addr_parse() must give (a reason's machine name), the
 * ADDR_F_* flags, the normalized address, the SUGGEST_F_* flags and the
 * suggestion suggest_check() must make (or none), and why.  Every row is
 * its own TAP test, named by its input and its why.
 *
 * Rows with mode 'd' check addr_parse_domain() alone; the address column
 * then holds the expected A-label domain.
 *
 * After the table: invariants every valid result must keep, the texts of
 * every reason, and a few hundred random byte strings from a fixed seed
 * (CR, LF, NUL, invalid UTF-8), none of which may crash or break an
 * invariant.  The lists come from TEST_DATADIR (the source tree's data/).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "addr.h"
#include "suggest.h"

#ifndef TEST_DATADIR
#define TEST_DATADIR "data"
#endif

/* ADDR_F_* */
#define Q	ADDR_F_QUOTED
#define U	ADDR_F_UTF8_LOCAL
#define I	ADDR_F_IDN
#define C	ADDR_F_CLEANED

/* SUGGEST_F_* */
#define ROLE	SUGGEST_F_ROLE
#define DISP	SUGGEST_F_DISPOSABLE
#define FREE	SUGGEST_F_FREEMAIL
#define REG	SUGGEST_F_REGIONAL
#define TYPO	SUGGEST_F_TYPO
#define LAYOUT	SUGGEST_F_LAYOUT
#define SEP	SUGGEST_F_SEPARATOR
#define EXT	SUGGEST_F_EXTRACT

typedef struct {
    char    mode;			/* 'a': address, 'd': domain only */
    const char *input;
    size_t  len;			/* 0: strlen(input) */
    const char *reason;			/* addr_reason_name() */
    unsigned aflags;			/* ADDR_F_* */
    const char *address;		/* normalized; NULL: must be empty */
    unsigned sflags;			/* SUGGEST_F_*, exactly */
    const char *suggestion;		/* NULL: no suggestion */
    const char *why;
} ROW;

/* An address row; a row whose input holds NUL bytes; a domain row. */
#define R(in, rs, af, ad, sf, sg, why) {'a', in, 0, rs, af, ad, sf, sg, why}
#define RN(in, rs, af, ad, sf, sg, why) {'a', in, sizeof(in) - 1, rs, af, ad, sf, sg, why}
#define D(in, rs, af, ad, why) {'d', in, 0, rs, af, ad, 0, NULL, why}

/* Strings of exact lengths for the limits. */
#define A10	"aaaaaaaaaa"
#define A60	A10 A10 A10 A10 A10 A10
#define A62	A60 "aa"
#define A63	A60 "aaa"
#define A64	A60 "aaaa"
#define A65	A60 "aaaaa"
#define B10	"bbbbbbbbbb"
#define B60	B10 B10 B10 B10 B10 B10
#define B61	B60 "b"
#define B62	B60 "bb"
#define B63	B60 "bbb"
#define B64	B60 "bbbb"
#define D189	B63 "." B63 "." B61	/* 63 + 1 + 63 + 1 + 61 */
#define D190	B63 "." B63 "." B62
#define D253	B63 "." B63 "." B63 "." B61
#define D254	B63 "." B63 "." B63 "." B62
/* Quoted local parts: 62 or 63 octets between the quotes (a space keeps them). */
#define SP62	"a " A60
#define SP63	"a " A60 "a"
/* Cyrillic labels: 64 letters (A-label too long), 27 (fits). */
#define CYR32	"абвгдежзийклмнопрстуфхцчшщъыьэюя"
#define CYR64	CYR32 CYR32
#define CYR27	"абвгдежзийклмнопрстуфхцчшщъ"

static const ROW rows[] = {
    /* ---- valid addresses at providers and companies */
    R("ivan@mail.ru", "ok", 0, "ivan@mail.ru", FREE, NULL, "the plainest provider address"),
    R("Ivan.Petrov@Mail.RU", "ok", 0, "Ivan.Petrov@mail.ru", FREE, NULL, "domain lower-cased, local part case kept"),
    R("IVAN@MAIL.RU", "ok", 0, "IVAN@mail.ru", FREE, NULL, "all capitals: same mailbox, key folds case"),
    R("ivan.petrov@autodom.ru", "ok", 0, "ivan.petrov@autodom.ru", 0, NULL, "a company domain, nothing to say"),
    R("i@bk.ru", "ok", 0, "i@bk.ru", FREE, NULL, "one-letter local part at a short provider"),
    R("ivan_petrov-1985@yandex.ru", "ok", 0, "ivan_petrov-1985@yandex.ru", FREE, NULL, "underscore, hyphen, digits in a local part"),
    R("ivan+crm@gmail.com", "ok", 0, "ivan+crm@gmail.com", FREE, NULL, "sub-address kept as typed"),
    R("o'brien@example.ie", "ok", 0, "o'brien@example.ie", 0, NULL, "apostrophe is atext"),
    R("a!#$%&'*+-/=?^_`{|}~z@example.com", "ok", 0, "a!#$%&'*+-/=?^_`{|}~z@example.com", 0, NULL, "every RFC 5322 atext special"),
    R("1234567890@mail.ru", "ok", 0, "1234567890@mail.ru", FREE, NULL, "digits-only local part (ICQ-era habit)"),
    R("ivan@sub.dealer-auto.spb.ru", "ok", 0, "ivan@sub.dealer-auto.spb.ru", 0, NULL, "several labels with a hyphen"),
    R("ivan@x.y", "ok", 0, "ivan@x.y", 0, NULL, "one-letter labels are syntax-valid; DNS decides"),
    R("ivan@123.ru", "ok", 0, "ivan@123.ru", 0, NULL, "numeric label is fine, only the zone may not be"),
    R("ivan@1a.ru", "ok", 0, "ivan@1a.ru", 0, NULL, "label may start with a digit"),
    R("ivan@a-b-c.ru", "ok", 0, "ivan@a-b-c.ru", 0, NULL, "inner hyphens"),
    R("a.b.c.d@e.ru", "ok", 0, "a.b.c.d@e.ru", 0, NULL, "dots between atoms"),
    R("ivan@dealer.moscow", "ok", 0, "ivan@dealer.moscow", 0, NULL, "long ASCII zone"),
    R("x@y.museum", "ok", 0, "x@y.museum", 0, NULL, "six-letter zone"),
    R("ivan@a.b.c.d.e.ru", "ok", 0, "ivan@a.b.c.d.e.ru", 0, NULL, "many labels"),
    R("ivan@gmail.com", "ok", 0, "ivan@gmail.com", FREE, NULL, "provider"),
    R("ivan@googlemail.com", "ok", 0, "ivan@googlemail.com", FREE, NULL, "Google's other domain"),
    R("ivan@ya.ru", "ok", 0, "ivan@ya.ru", FREE, NULL, "Yandex short domain"),
    R("ivan@icloud.com", "ok", 0, "ivan@icloud.com", FREE, NULL, "Apple"),
    R("ivan@outlook.com", "ok", 0, "ivan@outlook.com", FREE, NULL, "Microsoft"),
    R("ivan@rambler.ru", "ok", 0, "ivan@rambler.ru", FREE, NULL, "Rambler"),
    R("ivan@inbox.ru", "ok", 0, "ivan@inbox.ru", FREE, NULL, "Mail.ru family"),
    R("ivan@list.ru", "ok", 0, "ivan@list.ru", FREE, NULL, "Mail.ru family"),
    R("ivan@internet.ru", "ok", 0, "ivan@internet.ru", FREE, NULL, "Mail.ru family, newer"),
    R("ivan@lenta.ru", "ok", 0, "ivan@lenta.ru", FREE, NULL, "Rambler family"),
    R("ivan@yahoo.de", "ok", 0, "ivan@yahoo.de", FREE, NULL, "a provider in another zone is still a provider"),

    /* ---- real regional domains: never corrected */
    R("ivan@yandex.com", "ok", 0, "ivan@yandex.com", FREE | REG, NULL, "yandex.com is real, not a typo of yandex.ru"),
    R("ivan@yandex.by", "ok", 0, "ivan@yandex.by", FREE | REG, NULL, "Belarus Yandex, never turned into .ru"),
    R("ivan@yandex.kz", "ok", 0, "ivan@yandex.kz", FREE | REG, NULL, "Kazakhstan Yandex"),
    R("ivan@yandex.ua", "ok", 0, "ivan@yandex.ua", FREE | REG, NULL, "Ukraine Yandex"),
    R("ivan@yandex.com.tr", "ok", 0, "ivan@yandex.com.tr", REG, NULL, "Turkish Yandex"),
    R("ivan@ukr.net", "ok", 0, "ivan@ukr.net", FREE | REG, NULL, "Ukrainian provider"),
    R("ivan@tut.by", "ok", 0, "ivan@tut.by", FREE | REG, NULL, "Belarusian provider"),
    R("ivan@mail.kz", "ok", 0, "ivan@mail.kz", FREE | REG, NULL, "not mail.ru"),
    R("ivan@mail.ua", "ok", 0, "ivan@mail.ua", FREE | REG, NULL, "not mail.ru"),
    R("ivan@mail.by", "ok", 0, "ivan@mail.by", FREE | REG, NULL, "not mail.ru"),
    R("ivan@mail.com", "ok", 0, "ivan@mail.com", FREE | REG, NULL, "mail.com is real and is not mail.ru (nor gmail.com)"),
    R("ivan@email.com", "ok", 0, "ivan@email.com", FREE | REG, NULL, "one letter from gmail.com, but real"),
    R("ivan@ymail.com", "ok", 0, "ivan@ymail.com", FREE | REG, NULL, "Yahoo's ymail.com, one letter from gmail.com"),
    R("ivan@gmail.ru", "ok", 0, "ivan@gmail.ru", REG, NULL, "gmail.ru is a separate service, not Google: never rewritten"),
    R("ivan@icloud.ru", "ok", 0, "ivan@icloud.ru", REG, NULL, "icloud.ru is not icloud.com"),
    R("ivan@mil.ru", "ok", 0, "ivan@mil.ru", REG, NULL, "a real ministry domain, one letter from mail.ru"),
    R("ivan@inbox.lv", "ok", 0, "ivan@inbox.lv", FREE | REG, NULL, "Latvian provider, not inbox.ru"),
    R("ivan@rambler.ua", "ok", 0, "ivan@rambler.ua", FREE | REG, NULL, "Rambler Ukraine"),
    R("ivan@mail.ee", "ok", 0, "ivan@mail.ee", REG, NULL, "Estonian provider"),
    R("ivan@live.ru", "ok", 0, "ivan@live.ru", FREE | REG, NULL, "Microsoft's Russian domain, not list.ru"),

    /* ---- role local parts */
    R("info@autodom.ru", "ok", 0, "info@autodom.ru", ROLE, NULL, "info is a role mailbox"),
    R("Sales@Autodom.RU", "ok", 0, "Sales@autodom.ru", ROLE, NULL, "roles match in any case"),
    R("noreply@mail.ru", "ok", 0, "noreply@mail.ru", ROLE | FREE, NULL, "no-reply at a provider"),
    R("no-reply@bank.ru", "ok", 0, "no-reply@bank.ru", ROLE, NULL, "no-reply spelled with a hyphen"),
    R("info+crm@autodom.ru", "ok", 0, "info+crm@autodom.ru", ROLE, NULL, "sub-address of a role is a role"),
    R("buh@autodom.ru", "ok", 0, "buh@autodom.ru", ROLE, NULL, "accounts department, transliterated"),
    R("zakaz@autodom.ru", "ok", 0, "zakaz@autodom.ru", ROLE, NULL, "orders, transliterated"),
    R("postmaster@autodom.ru", "ok", 0, "postmaster@autodom.ru", ROLE, NULL, "RFC 2142 mailbox"),
    R("priemnaya@autodom.ru", "ok", 0, "priemnaya@autodom.ru", ROLE, NULL, "reception, transliterated"),
    R("information.desk@autodom.ru", "ok", 0, "information.desk@autodom.ru", 0, NULL, "roles match whole local parts only"),
    R("infoivan@mail.ru", "ok", 0, "infoivan@mail.ru", FREE, NULL, "a person whose name starts with info"),
    R("\"info\"@autodom.ru", "ok", Q, "info@autodom.ru", ROLE, NULL, "needless quotes removed, still a role"),
    R("INFO@mail.ru", "ok", 0, "INFO@mail.ru", ROLE | FREE, NULL, "role in capitals"),
    R("admin@mail.ru", "ok", 0, "admin@mail.ru", ROLE | FREE, NULL, "admin"),
    R("support@yandex.ru", "ok", 0, "support@yandex.ru", ROLE | FREE, NULL, "support"),
    R("office@autodom.ru", "ok", 0, "office@autodom.ru", ROLE, NULL, "office"),
    R("service@avto-spb.ru", "ok", 0, "service@avto-spb.ru", ROLE, NULL, "the dealer's service desk"),

    /* ---- disposable domains */
    R("x@mailinator.com", "ok", 0, "x@mailinator.com", DISP, NULL, "the classic throw-away service"),
    R("test@10minutemail.com", "ok", 0, "test@10minutemail.com", DISP, NULL, "10 Minute Mail"),
    R("x@guerrillamail.com", "ok", 0, "x@guerrillamail.com", DISP, NULL, "Guerrilla Mail"),
    R("x@yopmail.com", "ok", 0, "x@yopmail.com", DISP, NULL, "YOPmail"),
    R("x@temp-mail.org", "ok", 0, "x@temp-mail.org", DISP, NULL, "Temp Mail"),
    R("x@temp-mail.ru", "ok", 0, "x@temp-mail.ru", DISP, NULL, "Temp Mail, Russian domain"),
    R("x@sub.mailinator.com", "ok", 0, "x@sub.mailinator.com", DISP, NULL, "a subdomain of a disposable domain"),
    R("x@MAILINATOR.COM", "ok", 0, "x@mailinator.com", DISP, NULL, "case does not hide it"),
    R("x@mailinator.co", "ok", 0, "x@mailinator.co", 0, NULL, "not listed; typos are measured against providers only"),
    R("info@yopmail.fr", "ok", 0, "info@yopmail.fr", ROLE | DISP, NULL, "role and disposable at once"),
    R("x@sharklasers.com", "ok", 0, "x@sharklasers.com", DISP, NULL, "Guerrilla Mail alias domain"),
    R("x@trashmail.de", "ok", 0, "x@trashmail.de", DISP, NULL, "TrashMail"),
    R("x@dispostable.com", "ok", 0, "x@dispostable.com", DISP, NULL, "Dispostable"),
    R("x@maildrop.cc", "ok", 0, "x@maildrop.cc", DISP, NULL, "Maildrop"),
    R("x@getnada.com", "ok", 0, "x@getnada.com", DISP, NULL, "Nada"),

    /* ---- typos at providers: valid syntax, a suggestion */
    R("ivan@gmial.com", "ok", 0, "ivan@gmial.com", TYPO, "ivan@gmail.com", "listed misspelling (transposition)"),
    R("ivan@gmai.com", "ok", 0, "ivan@gmai.com", TYPO, "ivan@gmail.com", "letter dropped"),
    R("ivan@gamil.com", "ok", 0, "ivan@gamil.com", TYPO, "ivan@gmail.com", "letters swapped"),
    R("ivan@gmal.com", "ok", 0, "ivan@gmal.com", TYPO, "ivan@gmail.com", "letter dropped"),
    R("ivan@gnail.com", "ok", 0, "ivan@gnail.com", TYPO, "ivan@gmail.com", "n is next to m"),
    R("ivan@gmaill.com", "ok", 0, "ivan@gmaill.com", TYPO, "ivan@gmail.com", "letter doubled"),
    R("ivan@gmail.co", "ok", 0, "ivan@gmail.co", TYPO, "ivan@gmail.com", ".co for .com"),
    R("ivan@gmail.cm", "ok", 0, "ivan@gmail.cm", TYPO, "ivan@gmail.com", ".cm for .com"),
    R("ivan@gmail.con", "ok", 0, "ivan@gmail.con", TYPO, "ivan@gmail.com", ".con for .com"),
    R("ivan@gmail.cpm", "ok", 0, "ivan@gmail.cpm", TYPO, "ivan@gmail.com", "zone slip: p is next to o"),
    R("ivan@gmail.comm", "ok", 0, "ivan@gmail.comm", TYPO, "ivan@gmail.com", "zone slip: m doubled"),
    R("ivan@gmail.c", "ok", 0, "ivan@gmail.c", TYPO, "ivan@gmail.com", "zone cut short"),
    R("ivan@gmeil.com", "ok", 0, "ivan@gmeil.com", TYPO, "ivan@gmail.com", "vowel for vowel (spelled as heard)"),
    R("ivan@gmaol.com", "ok", 0, "ivan@gmaol.com", TYPO, "ivan@gmail.com", "o is next to i"),
    R("ivan@yndex.ru", "ok", 0, "ivan@yndex.ru", TYPO, "ivan@yandex.ru", "listed misspelling"),
    R("ivan@yandx.ru", "ok", 0, "ivan@yandx.ru", TYPO, "ivan@yandex.ru", "listed misspelling"),
    R("ivan@yadex.ru", "ok", 0, "ivan@yadex.ru", TYPO, "ivan@yandex.ru", "listed misspelling"),
    R("ivan@yandeks.ru", "ok", 0, "ivan@yandeks.ru", TYPO, "ivan@yandex.ru", "transliteration; two edits, so only the map catches it"),
    R("ivan@yanex.ru", "ok", 0, "ivan@yanex.ru", TYPO, "ivan@yandex.ru", "listed misspelling"),
    R("ivan@iandex.ru", "ok", 0, "ivan@iandex.ru", TYPO, "ivan@yandex.ru", "Я spelled ia"),
    R("ivan@yandex.ry", "ok", 0, "ivan@yandex.ry", TYPO, "ivan@yandex.ru", "not yandex.by: the slip table picks .ru"),
    R("ivan@yandex.ur", "ok", 0, "ivan@yandex.ur", TYPO, "ivan@yandex.ru", "zone letters swapped"),
    R("ivan@yandex.rj", "ok", 0, "ivan@yandex.rj", TYPO, "ivan@yandex.ru", "zone slip: j is below u"),
    R("ivan@yandix.ru", "ok", 0, "ivan@yandix.ru", TYPO, "ivan@yandex.ru", "vowel for vowel"),
    R("ivan@mai.ru", "ok", 0, "ivan@mai.ru", TYPO, "ivan@mail.ru", "letter dropped"),
    R("ivan@mial.ru", "ok", 0, "ivan@mial.ru", TYPO, "ivan@mail.ru", "letters swapped"),
    R("ivan@maill.ru", "ok", 0, "ivan@maill.ru", TYPO, "ivan@mail.ru", "letter doubled"),
    R("ivan@mali.ru", "ok", 0, "ivan@mali.ru", TYPO, "ivan@mail.ru", "letters swapped"),
    R("ivan@meil.ru", "ok", 0, "ivan@meil.ru", TYPO, "ivan@mail.ru", "spelled as heard"),
    R("ivan@nail.ru", "ok", 0, "ivan@nail.ru", TYPO, "ivan@mail.ru", "n is next to m"),
    R("ivan@mail.r", "ok", 0, "ivan@mail.r", TYPO, "ivan@mail.ru", "zone cut short"),
    R("ivan@mail.ri", "ok", 0, "ivan@mail.ri", TYPO, "ivan@mail.ru", "zone slip"),
    R("ivan@mail.ry", "ok", 0, "ivan@mail.ry", TYPO, "ivan@mail.ru", "zone slip: y is next to u"),
    R("ivan@mail.ur", "ok", 0, "ivan@mail.ur", TYPO, "ivan@mail.ru", "zone letters swapped"),
    R("ivan@mail.rru", "ok", 0, "ivan@mail.rru", TYPO, "ivan@mail.ru", "zone letter doubled"),
    R("ivan@mail.rus", "ok", 0, "ivan@mail.rus", TYPO, "ivan@mail.ru", "zone with an extra letter"),
    R("ivan@maik.ru", "ok", 0, "ivan@maik.ru", TYPO, "ivan@mail.ru", "k is next to l"),
    R("ivan@mqil.ru", "ok", 0, "ivan@mqil.ru", TYPO, "ivan@mail.ru", "q is next to a"),
    R("ivan@ramler.ru", "ok", 0, "ivan@ramler.ru", TYPO, "ivan@rambler.ru", "letter dropped"),
    R("ivan@ranbler.ru", "ok", 0, "ivan@ranbler.ru", TYPO, "ivan@rambler.ru", "n is next to m"),
    R("ivan@ramblr.ru", "ok", 0, "ivan@ramblr.ru", TYPO, "ivan@rambler.ru", "letter dropped"),
    R("ivan@rambler.ry", "ok", 0, "ivan@rambler.ry", TYPO, "ivan@rambler.ru", "zone slip"),
    R("ivan@rambler.ruu", "ok", 0, "ivan@rambler.ruu", TYPO, "ivan@rambler.ru", "zone letter doubled"),
    R("ivan@inbox.ry", "ok", 0, "ivan@inbox.ry", TYPO, "ivan@inbox.ru", "zone slip at a Mail.ru domain"),
    R("ivan@list.ry", "ok", 0, "ivan@list.ry", TYPO, "ivan@list.ru", "zone slip at a Mail.ru domain"),
    R("ivan@bk.ry", "ok", 0, "ivan@bk.ry", TYPO, "ivan@bk.ru", "short provider: only zone slips are suggested"),
    R("ivan@bk.ri", "ok", 0, "ivan@bk.ri", TYPO, "ivan@bk.ru", "short provider, zone slip"),
    R("ivan@ya.ry", "ok", 0, "ivan@ya.ry", TYPO, "ivan@ya.ru", "short provider, zone slip"),
    R("ivan@inbx.ru", "ok", 0, "ivan@inbx.ru", TYPO, "ivan@inbox.ru", "letter dropped"),
    R("ivan@hotmial.com", "ok", 0, "ivan@hotmial.com", TYPO, "ivan@hotmail.com", "letters swapped"),
    R("ivan@hotmai.com", "ok", 0, "ivan@hotmai.com", TYPO, "ivan@hotmail.com", "letter dropped"),
    R("ivan@outlok.com", "ok", 0, "ivan@outlok.com", TYPO, "ivan@outlook.com", "letter dropped"),
    R("ivan@outlook.co", "ok", 0, "ivan@outlook.co", TYPO, "ivan@outlook.com", ".co for .com"),
    R("ivan@iclod.com", "ok", 0, "ivan@iclod.com", TYPO, "ivan@icloud.com", "letter dropped"),
    R("ivan@icloud.co", "ok", 0, "ivan@icloud.co", TYPO, "ivan@icloud.com", ".co for .com"),
    R("ivan@yahoo.con", "ok", 0, "ivan@yahoo.con", TYPO, "ivan@yahoo.com", ".con for .com"),
    R("ivan@yaho.com", "ok", 0, "ivan@yaho.com", TYPO, "ivan@yahoo.com", "letter dropped"),
    R("ivan@ukr.ner", "ok", 0, "ivan@ukr.ner", TYPO, "ivan@ukr.net", "zone slip .ner"),
    R("info@gmial.com", "ok", 0, "info@gmial.com", ROLE | TYPO, "info@gmail.com", "flags describe the input; the suggestion keeps the local part"),
    R("IVAN@GMIAL.COM", "ok", 0, "IVAN@gmial.com", TYPO, "IVAN@gmail.com", "local part kept as typed"),
    R("ivan.petrov+crm@gmial.com", "ok", 0, "ivan.petrov+crm@gmial.com", TYPO, "ivan.petrov+crm@gmail.com", "whole local part kept"),

    /* ---- near a provider but not a slip: no suggestion */
    R("ivan@main.ru", "ok", 0, "ivan@main.ru", 0, NULL, "n and l are far apart: a word, not a slip of mail.ru"),
    R("ivan@avtodom.ru", "ok", 0, "ivan@avtodom.ru", 0, NULL, "company domain"),
    R("ivan@autodom.ru", "ok", 0, "ivan@autodom.ru", 0, NULL, "company domain"),
    R("ivan@index.ru", "ok", 0, "ivan@index.ru", 0, NULL, "two edits from yandex.ru, which allows one"),
    R("ivan@vk.com", "ok", 0, "ivan@vk.com", 0, NULL, "short names are never matched by distance"),
    R("ivan@gmx.ru", "ok", 0, "ivan@gmx.ru", 0, NULL, "short name, other zone"),
    R("ivan@hotmail.ru", "ok", 0, "ivan@hotmail.ru", 0, NULL, "a provider's name in another zone is not a slip"),
    R("ivan@gmail.de", "ok", 0, "ivan@gmail.de", 0, NULL, "not Google, but not a typo either; DNS judges it"),
    R("ivan@yandex.tj", "ok", 0, "ivan@yandex.tj", 0, NULL, "same name, other zone: only the slip table may say"),
    R("ivan@mail.rs", "ok", 0, "ivan@mail.rs", 0, NULL, "a real ccTLD is not a slip of .ru"),
    R("ivan@gmail.co.uk", "ok", 0, "ivan@gmail.co.uk", 0, NULL, "longer domain, not near any provider"),
    R("ivan@dealer.ru", "ok", 0, "ivan@dealer.ru", 0, NULL, "company domain"),

    /* ---- quoted local parts: accepted, flagged */
    R("\"ivan\"@mail.ru", "ok", Q, "ivan@mail.ru", FREE, NULL, "needless quotes removed"),
    R("\"ivan petrov\"@mail.ru", "ok", Q, "\"ivan petrov\"@mail.ru", FREE, NULL, "a space needs the quotes"),
    R("\"ivan..petrov\"@mail.ru", "ok", Q, "\"ivan..petrov\"@mail.ru", FREE, NULL, "double dot allowed only quoted"),
    R("\"ivan@home\"@mail.ru", "ok", Q, "\"ivan@home\"@mail.ru", FREE, NULL, "@ inside quotes"),
    R("\"a\\\"b\"@mail.ru", "ok", Q, "\"a\\\"b\"@mail.ru", FREE, NULL, "escaped quote kept escaped"),
    R("\"\\i\\v\\a\\n\"@mail.ru", "ok", Q, "ivan@mail.ru", FREE, NULL, "needless escapes removed"),
    R("\"ivan\\\\petrov\"@x.ru", "ok", Q, "\"ivan\\\\petrov\"@x.ru", 0, NULL, "escaped backslash"),
    R("\"иван петров\"@mail.ru", "ok", Q | U, "\"иван петров\"@mail.ru", FREE, NULL, "UTF-8 inside quotes (RFC 6531)"),
    R("\"" SP62 "\"@x.ru", "ok", Q, "\"" SP62 "\"@x.ru", 0, NULL, "quoted local part of exactly 64 octets"),
    R("\"" SP63 "\"@x.ru", "local_too_long", 0, NULL, 0, NULL, "quoted local part of 65 octets"),
    R("\"\"@mail.ru", "local_empty", 0, NULL, 0, NULL, "empty quoted string"),
    R("\"ivan@mail.ru", "quoted_bad", 0, NULL, FREE | SEP, "ivan@mail.ru", "unclosed quote; the stray quote is dropped"),
    R("\"ivan\".petrov@mail.ru", "obsolete_syntax", 0, NULL, 0, NULL, "quoted word mixed with an atom (obs-local-part)"),
    R("ivan.\"petrov\"@mail.ru", "obsolete_syntax", 0, NULL, 0, NULL, "atom mixed with a quoted word"),
    R("\"iv\tan\"@mail.ru", "quoted_bad", 0, NULL, 0, NULL, "tab is not allowed inside quotes by RFC 5321"),
    R("\"ivan\" <ivan@mail.ru>", "display_name", 0, NULL, FREE | EXT, "ivan@mail.ru", "a quoted display name"),

    /* ---- internationalized domains */
    R("иван@почта.рф", "ok", U | I, "иван@xn--80a1acny.xn--p1ai", 0, NULL, "Cyrillic local part and domain"),
    R("ivan@почта.рф", "ok", I, "ivan@xn--80a1acny.xn--p1ai", 0, NULL, "U-label domain to A-label"),
    R("ivan@xn--80a1acny.xn--p1ai", "ok", I, "ivan@xn--80a1acny.xn--p1ai", 0, NULL, "the same domain given as A-labels"),
    R("ivan@XN--80A1ACNY.XN--P1AI", "ok", I, "ivan@xn--80a1acny.xn--p1ai", 0, NULL, "A-labels in capitals"),
    R("ivan@ПОЧТА.РФ", "ok", I, "ivan@xn--80a1acny.xn--p1ai", 0, NULL, "Cyrillic capitals mapped (UTS 46)"),
    R("ivan@Почта.Рф", "ok", I, "ivan@xn--80a1acny.xn--p1ai", 0, NULL, "mixed case Cyrillic"),
    R("ivan@авто-дилер.рф", "ok", I, "ivan@xn----7sbgjfrvuxn.xn--p1ai", 0, NULL, "hyphen inside a U-label"),
    R("ivan@dealer.москва", "ok", I, "ivan@dealer.xn--80adxhks", 0, NULL, "Cyrillic zone"),
    R("ivan@dealer.xn--80adxhks", "ok", I, "ivan@dealer.xn--80adxhks", 0, NULL, "xn-- zone (some validators reject these)"),
    R("ivan@ru-auto.xn--p1ai", "ok", I, "ivan@ru-auto.xn--p1ai", 0, NULL, "ASCII label under .рф"),
    R("ivan@xn--80a1acny.com", "ok", I, "ivan@xn--80a1acny.com", 0, NULL, "U-label under .com"),
    R("ivan@почта.com", "ok", I, "ivan@xn--80a1acny.com", 0, NULL, "U-label under .com, as typed"),
    R("ivan@münchen.de", "ok", I, "ivan@xn--mnchen-3ya.de", 0, NULL, "Latin with umlaut"),
    R("ivan@faß.de", "ok", I, "ivan@xn--fa-hia.de", 0, NULL, "non-transitional: ß stays ß (not fass.de)"),
    R("ivan@日本.jp", "ok", I, "ivan@xn--wgv71a.jp", 0, NULL, "CJK"),
    R("ivan@παράδειγμα.δοκιμή", "ok", I, "ivan@xn--hxajbheg2az3al.xn--jxalpdlp", 0, NULL, "Greek"),
    R("用户@例子.广告", "ok", U | I, "用户@xn--fsqu00a.xn--4rr70v", 0, NULL, "Chinese local part and domain"),
    R("ivan@ａｂｃ.com", "ok", C, "ivan@abc.com", 0, NULL, "full-width Latin maps to ASCII: cleaned, not IDN"),
    R("ivan@xn--zz.com", "alabel_invalid", 0, NULL, 0, NULL, "bad punycode"),
    R("ivan@xn--abc.com", "alabel_invalid", 0, NULL, 0, NULL, "punycode of a disallowed name"),
    R("ivan@xn--.com", "label_hyphen", 0, NULL, 0, NULL, "\"xn--\" alone ends with a hyphen"),
    R("ivan@xn--80a1acny-.ru", "label_hyphen", 0, NULL, 0, NULL, "hyphen at the end of an A-label"),
    R("ivan@-почта.рф", "label_hyphen", 0, NULL, 0, NULL, "hyphen at the start of a U-label"),
    R("ivan@почта..рф", "domain_empty_label", 0, NULL, SEP, "ivan@xn--80a1acny.xn--p1ai", "two dots in an IDN; one is offered"),
    R("ivan@почта,рф", "comma", 0, NULL, SEP, "ivan@xn--80a1acny.xn--p1ai", "comma in an IDN; the dot is certain"),
    R("ivan@😀.com", "idn_invalid", 0, NULL, 0, NULL, "emoji are disallowed in IDNA 2008 (no IDNA 2003 fallback)"),
    R("ivan@xn--ls8h.la", "alabel_invalid", 0, NULL, 0, NULL, "an IDNA 2003-only A-label"),
    R("«ivan@mail.ru»", "idn_invalid", 0, NULL, FREE | SEP, "ivan@mail.ru", "guillemets: » is not a domain character; quotes dropped"),
    R("ivan@почта", "domain_no_dot", 0, NULL, 0, NULL, "dotless IDN"),
    R("ivan@рф", "domain_no_dot", 0, NULL, 0, NULL, "a zone alone"),
    R("ivan@xn--p1ai", "domain_no_dot", 0, NULL, 0, NULL, "a zone alone, as an A-label"),
    R("ivan@" CYR64 ".рф", "label_too_long", 0, NULL, 0, NULL, "U-label whose A-label exceeds 63 octets"),
    R("ivan@" CYR27 ".рф", "ok", I, "ivan@xn--80acdefghijklmnopqrstuvwxyz0a1a.xn--p1ai", 0, NULL, "long U-label that still fits"),
    D("почта.рф", "ok", I, "xn--80a1acny.xn--p1ai", "domain alone, U-labels"),
    D("xn--80a1acny.xn--p1ai", "ok", I, "xn--80a1acny.xn--p1ai", "domain alone, A-labels"),
    D("Почта.РФ.", "ok", I | C, "xn--80a1acny.xn--p1ai", "trailing dot cleaned"),
    D(" mail.ru ", "ok", C, "mail.ru", "spaces trimmed"),
    D("mail", "domain_no_dot", 0, NULL, "dotless"),
    D("", "domain_empty", 0, NULL, "empty"),

    /* ---- non-ASCII local parts: valid, need SMTPUTF8 */
    R("иван@mail.ru", "ok", U, "иван@mail.ru", FREE, NULL, "a Russian name: not mistaken for layout gibberish"),
    R("иван.петров@autodom.ru", "ok", U, "иван.петров@autodom.ru", 0, NULL, "Cyrillic dot-atom at a company"),
    R("ИВАН@mail.ru", "ok", U, "ИВАН@mail.ru", FREE, NULL, "Cyrillic capitals"),
    R("iván@example.com", "ok", U, "iván@example.com", 0, NULL, "Latin with accent"),
    R("ёлка@mail.ru", "ok", U, "ёлка@mail.ru", FREE, NULL, "ё"),
    R("маи\xcc\x86ка@autodom.ru", "ok", U, "майка@autodom.ru", 0, NULL, "decomposed й composed (NFC)"),
    R("е\xcc\x88лка@autodom.ru", "ok", U, "ёлка@autodom.ru", 0, NULL, "decomposed ё composed (NFC)"),
    R("шмфт@autodom.ru", "ok", U, "шмфт@autodom.ru", 0, NULL, "layout gibberish at a company: its mailboxes may be Cyrillic"),

    /* ---- broken encoding and control characters */
    R("iv\xd0" "an@mail.ru", "bad_encoding", 0, NULL, 0, NULL, "a lone lead octet"),
    R("\xff@mail.ru", "bad_encoding", 0, NULL, 0, NULL, "0xFF is never UTF-8"),
    R("\xc0\xaf@x.ru", "bad_encoding", 0, NULL, 0, NULL, "overlong encoding of /"),
    R("\xed\xa0\x80@x.ru", "bad_encoding", 0, NULL, 0, NULL, "UTF-8 of a surrogate"),
    R("ivan@mail.ru\xd0", "bad_encoding", 0, NULL, 0, NULL, "truncated character at the end"),
    R("\xef\xbf\xbe@x.ru", "bad_encoding", 0, NULL, 0, NULL, "non-character U+FFFE"),
    R("\xf4\x90\x80\x80@x.ru", "bad_encoding", 0, NULL, 0, NULL, "beyond U+10FFFF"),
    R("iv\xc2\x85" "an@x.ru", "control_char", 0, NULL, 0, NULL, "C1 control NEL"),
    RN("ivan\0@mail.ru", "control_char", 0, NULL, 0, NULL, "NUL inside"),
    RN("ivan@mail.ru\0", "control_char", 0, NULL, 0, NULL, "a trailing NUL is not white space"),
    RN("\0", "control_char", 0, NULL, 0, NULL, "a NUL alone"),
    R("ivan\n@mail.ru", "control_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "line feed inside: refused; the stray break offered removed"),
    R("ivan@mail.ru\npetr@mail.ru", "control_char", 0, NULL, 0, NULL, "two lines pasted: refused, no guess"),
    R("ivan\r@mail.ru", "control_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "carriage return next to @: offered removed"),
    R("iv\nan@mail.ru", "control_char", 0, NULL, 0, NULL, "line feed inside a name: no guess"),
    R("iv\x7f" "an@mail.ru", "control_char", 0, NULL, 0, NULL, "DEL"),
    R("\x1b[31mivan@mail.ru", "control_char", 0, NULL, 0, NULL, "terminal escape sequence"),
    R("ivan\t@mail.ru", "space", 0, NULL, FREE | SEP, "ivan@mail.ru", "tab reads as a space"),
    R("iv\xe2\x80\x8b" "an@mail.ru", "invisible_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "zero-width space inside"),
    R("iv\xe2\x80\xae" "an@mail.ru", "invisible_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "right-to-left override"),
    R("iv\xc2\xad" "an@mail.ru", "invisible_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "soft hyphen"),
    R("ivan@ma\xc2\xa0il.ru", "space", 0, NULL, 0, NULL, "no-break space inside a label: no guess"),

    /* ---- pasted forms: cleaned, not refused */
    R(" ivan@mail.ru ", "ok", C, "ivan@mail.ru", FREE, NULL, "surrounding spaces"),
    R("\tivan@mail.ru\t", "ok", C, "ivan@mail.ru", FREE, NULL, "surrounding tabs"),
    R("ivan@mail.ru\r\n", "ok", C, "ivan@mail.ru", FREE, NULL, "a CSV line end"),
    R("ivan@mail.ru\x0b", "ok", C, "ivan@mail.ru", FREE, NULL, "vertical tab at the end"),
    R("\xc2\xa0ivan@mail.ru\xc2\xa0", "ok", C, "ivan@mail.ru", FREE, NULL, "no-break spaces from a web page"),
    R("\xe2\x80\xafivan@mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "narrow no-break space"),
    R("\xef\xbb\xbfivan@mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "byte-order mark from a file"),
    R("\xe2\x80\x8bivan@mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "zero-width space at the start"),
    R("\xe2\x80\x8eivan@mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "left-to-right mark at the start"),
    R("ivan@mail.ru\xe2\x80\x8f", "ok", C, "ivan@mail.ru", FREE, NULL, "right-to-left mark at the end"),
    R("<ivan@mail.ru>", "ok", C, "ivan@mail.ru", FREE, NULL, "angle brackets"),
    R(" < ivan@mail.ru > ", "ok", C, "ivan@mail.ru", FREE, NULL, "spaced angle brackets"),
    R("mailto:ivan@mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "mailto: link"),
    R("MAILTO:ivan@mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "mailto: in capitals"),
    R("MailTo:Ivan@Mail.ru", "ok", C, "Ivan@mail.ru", FREE, NULL, "mailto: in mixed case"),
    R("mailto:ivan@mail.ru?subject=Test%20drive", "ok", C, "ivan@mail.ru", FREE, NULL, "mailto: with a query"),
    R("<mailto:ivan@mail.ru>", "ok", C, "ivan@mail.ru", FREE, NULL, "mailto: in angle brackets"),
    R("mailto:<ivan@mail.ru>", "ok", C, "ivan@mail.ru", FREE, NULL, "angle brackets after mailto:"),
    R("mailto:%D0%B8%D0%B2%D0%B0%D0%BD@mail.ru", "ok", C | U, "иван@mail.ru", FREE, NULL, "percent-encoded UTF-8 in a mailto: link"),
    R("mailto:ivan%40mail.ru", "ok", C, "ivan@mail.ru", FREE, NULL, "percent-encoded @"),
    R("mailto:ivan%4", "no_at_sign", C, NULL, 0, NULL, "a cut-off escape stays literal"),
    R("ivan%40mail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "no decoding without mailto:, but %40 is offered as @"),
    R("ivan?x@mail.ru", "ok", 0, "ivan?x@mail.ru", FREE, NULL, "? is atext; no query stripping without mailto:"),
    R("ivan@mail.ru.", "ok", C, "ivan@mail.ru", FREE, NULL, "trailing dot (root) removed"),
    R("IVAN@MAIL.RU.", "ok", C, "IVAN@mail.ru", FREE, NULL, "trailing dot and capitals"),
    R("  <mailto:Ivan@Mail.Ru.?subject=hi>  ", "ok", C, "Ivan@mail.ru", FREE, NULL, "everything a paste can add at once"),
    R("mailto:", "empty", C, NULL, 0, NULL, "mailto: with nothing"),
    R("<>", "empty", C, NULL, 0, NULL, "empty angle brackets"),
    R("   ", "empty", C, NULL, 0, NULL, "spaces only"),
    R("", "empty", 0, NULL, 0, NULL, "nothing"),

    /* ---- structure a person adds: refused with a reason, address offered */
    R("Иван Петров <ivan@mail.ru>", "display_name", 0, NULL, FREE | EXT, "ivan@mail.ru", "display name from a mail client"),
    R("\"Петров Иван\" <ivan.petrov@yandex.ru>", "display_name", 0, NULL, FREE | EXT, "ivan.petrov@yandex.ru", "quoted display name"),
    R("Ivan <ivan@gmial.com>", "display_name", 0, NULL, FREE | EXT | TYPO, "ivan@gmail.com", "extracted, then its typo fixed"),
    R("ivan@mail.ru (Иван)", "comment", 0, NULL, FREE | EXT, "ivan@mail.ru", "trailing comment"),
    R("(Иван) ivan@mail.ru", "comment", 0, NULL, FREE | EXT, "ivan@mail.ru", "leading comment"),
    R("ivan(work)@mail.ru", "comment", 0, NULL, FREE | EXT, "ivan@mail.ru", "comment in the local part"),
    R("a@mail.ru, b@bk.ru", "multiple_addresses", 0, NULL, FREE | EXT, "a@mail.ru", "a list: the first is offered"),
    R("a@mail.ru; b@bk.ru", "multiple_addresses", 0, NULL, FREE | EXT, "a@mail.ru", "semicolon list"),
    R("a@mail.ru b@bk.ru", "multiple_addresses", 0, NULL, FREE | EXT, "a@mail.ru", "space list"),
    R("ivan@mail.ru,petr@mail.ru", "multiple_addresses", 0, NULL, FREE | EXT, "ivan@mail.ru", "comma list without space"),
    R("Иван Петров ivan@mail.ru", "space", 0, NULL, FREE | EXT, "ivan@mail.ru", "a name without brackets"),
    R("@a.ru,@b.ru:ivan@c.ru", "obsolete_syntax", 0, NULL, 0, NULL, "RFC 822 source route"),

    /* ---- separators: refused, fix suggested */
    R("iv an@mail.ru", "space", 0, NULL, 0, NULL, "space inside a name: no guess (ivan? iv.an?)"),
    R("ivan @mail.ru", "space", 0, NULL, FREE | SEP, "ivan@mail.ru", "space before @"),
    R("ivan@ mail.ru", "space", 0, NULL, FREE | SEP, "ivan@mail.ru", "space after @"),
    R("ivan @ mail . ru", "space", 0, NULL, FREE | SEP, "ivan@mail.ru", "spaces around @ and ."),
    R("ivan@mail ru", "space", 0, NULL, FREE | SEP, "ivan@mail.ru", "space for the dot, lands on a provider"),
    R("ivan@autodom ru", "space", 0, NULL, 0, NULL, "space for the dot at an unknown domain: no guess"),
    R("ivan mail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "space for @"),
    R("ivan2mail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "2 without Shift for @"),
    R("ivan\"mail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "Russian Shift-2 gives \" for @"),
    R("ivan.petrov.mail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan.petrov@mail.ru", "dot for @, the split lands on a provider"),
    R("ivanmail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "@ left out"),
    R("ivangmail.com", "no_at_sign", 0, NULL, FREE | SEP, "ivan@gmail.com", "@ left out: the longest provider wins (not mail.com)"),
    R("ivan mial.ru", "no_at_sign", 0, NULL, FREE | SEP | TYPO, "ivan@mail.ru", "space for @ and a typo"),
    R("ivan собака mail.ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "«собака» is what @ is called"),
    R("ivan(собака)mail.ru", "comment", 0, NULL, FREE | SEP, "ivan@mail.ru", "(собака) is an @, not a comment"),
    R("ivan[at]autodom[dot]ru", "no_at_sign", 0, NULL, SEP, "ivan@autodom.ru", "anti-spam spelling, any domain"),
    R("ivan at mail dot ru", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "spelled out"),
    R("ivan", "no_at_sign", 0, NULL, 0, NULL, "a name, not an address"),
    R("mail.ru", "no_at_sign", 0, NULL, 0, NULL, "a domain alone"),
    R("ivan@@mail.ru", "multiple_at_signs", 0, NULL, FREE | SEP, "ivan@mail.ru", "doubled @"),
    R("ivan@mail.ru@", "multiple_at_signs", 0, NULL, FREE | SEP, "ivan@mail.ru", "stray @ at the end"),
    R("ivan@petrov@mail.ru", "multiple_at_signs", 0, NULL, 0, NULL, "two @: no guess"),
    R("ivan@mail,ru", "comma", 0, NULL, FREE | SEP, "ivan@mail.ru", "comma for the dot"),
    R("ivan@autodom,ru", "comma", 0, NULL, SEP, "ivan@autodom.ru", "comma for the dot is certain even at a company"),
    R("ivan@mail;ru", "domain_bad_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "semicolon for the dot"),
    R("ivan,petrov@mail.ru", "comma", 0, NULL, 0, NULL, "comma in the local part: no guess"),
    R("ivan@mail.ru,", "comma", 0, NULL, FREE | SEP, "ivan@mail.ru", "trailing comma from a list"),
    R("ivan@mail.ru;", "domain_bad_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "trailing semicolon"),
    R("'ivan@mail.ru'", "domain_bad_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "single quotes around"),
    R("\"ivan@mail.ru\"", "no_at_sign", 0, NULL, FREE | SEP, "ivan@mail.ru", "double quotes around: the @ is inside them"),
    R("ivan..petrov@mail.ru", "local_double_dot", 0, NULL, FREE | SEP, "ivan.petrov@mail.ru", "doubled dot"),
    R(".ivan@mail.ru", "local_leading_dot", 0, NULL, FREE | SEP, "ivan@mail.ru", "leading dot"),
    R("ivan.@mail.ru", "local_trailing_dot", 0, NULL, FREE | SEP, "ivan@mail.ru", "dot before @"),
    R("ivan@.mail.ru", "domain_empty_label", 0, NULL, FREE | SEP, "ivan@mail.ru", "dot after @"),
    R("ivan@mail..ru", "domain_empty_label", 0, NULL, FREE | SEP, "ivan@mail.ru", "doubled dot in the domain"),
    R("ivan@mail.ru..", "domain_empty_label", 0, NULL, FREE | SEP, "ivan@mail.ru", "two trailing dots: only one is cleaned"),
    R("ivan@mailru", "domain_no_dot", 0, NULL, FREE | SEP, "ivan@mail.ru", "dot left out"),
    R("ivan@gmailcom", "domain_no_dot", 0, NULL, FREE | SEP, "ivan@gmail.com", "dot left out"),
    R("ivan@gmail", "domain_no_dot", 0, NULL, FREE | SEP, "ivan@gmail.com", "zone left out"),
    R("ivan@mail", "domain_no_dot", 0, NULL, FREE | SEP, "ivan@mail.ru", "zone left out: mail.ru is listed first"),
    R("ivan@yandex", "domain_no_dot", 0, NULL, FREE | SEP, "ivan@yandex.ru", "zone left out"),
    R("ivan@yandexru", "domain_no_dot", 0, NULL, FREE | SEP, "ivan@yandex.ru", "dot left out"),
    R("ivan@autodom", "domain_no_dot", 0, NULL, 0, NULL, "dotless company name: no guess"),
    R("ivan@localhost", "domain_no_dot", 0, NULL, 0, NULL, "dotless host"),
    R("ivan@mail.ru>", "domain_bad_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "half of the angle brackets"),
    R("<ivan@mail.ru", "local_bad_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "the other half"),

    /* ---- local part and domain rules */
    R("@mail.ru", "local_empty", 0, NULL, 0, NULL, "nothing before @"),
    R("ivan@", "domain_empty", 0, NULL, 0, NULL, "nothing after @"),
    R("@", "local_empty", 0, NULL, 0, NULL, "an @ alone"),
    R("ivan\\@mail.ru", "local_bad_char", 0, NULL, 0, NULL, "backslash outside quotes"),
    R("iv<an@mail.ru", "local_bad_char", 0, NULL, 0, NULL, "< without >"),
    R("iv>an@mail.ru", "local_bad_char", 0, NULL, 0, NULL, "> alone"),
    R("ivan:petrov@mail.ru", "local_bad_char", 0, NULL, 0, NULL, "colon"),
    R("ivan;petrov@mail.ru", "local_bad_char", 0, NULL, 0, NULL, "semicolon before @"),
    R("ivan[1]@mail.ru", "local_bad_char", 0, NULL, 0, NULL, "brackets in the local part"),
    R("iv)an@mail.ru", "local_bad_char", 0, NULL, 0, NULL, ") without ("),
    R("ivan@[192.0.2.1]", "address_literal", 0, NULL, 0, NULL, "IPv4 literal"),
    R("ivan@[IPv6:2001:db8::1]", "address_literal", 0, NULL, 0, NULL, "IPv6 literal"),
    R("ivan@[mail.ru]", "address_literal", 0, NULL, 0, NULL, "brackets around a name"),
    R("ivan@192.0.2.1", "domain_ip", 0, NULL, 0, NULL, "bare IPv4 address"),
    R("ivan@mail.123", "tld_numeric", 0, NULL, 0, NULL, "numeric zone"),
    R("ivan@1.2.3", "tld_numeric", 0, NULL, 0, NULL, "three numbers: not an IP, numeric zone"),
    R("ivan@123", "domain_no_dot", 0, NULL, 0, NULL, "one number"),
    R("ivan@-mail.ru", "label_hyphen", 0, NULL, 0, NULL, "leading hyphen"),
    R("ivan@mail-.ru", "label_hyphen", 0, NULL, 0, NULL, "trailing hyphen"),
    R("ivan@mail.-ru", "label_hyphen", 0, NULL, 0, NULL, "hyphen at the start of the zone"),
    R("ivan@ab--cd.ru", "label_reserved", 0, NULL, 0, NULL, "-- in 3rd and 4th place is reserved for xn--"),
    R("ivan@a--b.ru", "ok", 0, "ivan@a--b.ru", 0, NULL, "-- elsewhere is fine"),
    R("ivan@mail_ru.ru", "domain_bad_char", 0, NULL, 0, NULL, "underscore in a host name"),
    R("ivan@mail!.ru", "domain_bad_char", 0, NULL, 0, NULL, "! in a domain"),
    R("ivan@mail.ru\"", "domain_bad_char", 0, NULL, FREE | SEP, "ivan@mail.ru", "stray quote after the domain"),
    R("ivan@mail.ru/", "domain_bad_char", 0, NULL, 0, NULL, "slash after the domain: no guess"),

    /* ---- length limits (octets of the ASCII form) */
    R(A64 "@mail.ru", "ok", 0, A64 "@mail.ru", FREE, NULL, "local part of exactly 64"),
    R(A65 "@mail.ru", "local_too_long", 0, NULL, 0, NULL, "local part of 65"),
    R("ivan@" B63 ".ru", "ok", 0, "ivan@" B63 ".ru", 0, NULL, "label of exactly 63"),
    R("ivan@" B64 ".ru", "label_too_long", 0, NULL, 0, NULL, "label of 64"),
    R("a@" D253, "address_too_long", 0, NULL, 0, NULL, "domain of 253 is legal but leaves no room: 255 in all"),
    R("a@" D254, "domain_too_long", 0, NULL, 0, NULL, "domain of 254"),
    R(A64 "@" D189, "ok", 0, A64 "@" D189, 0, NULL, "address of exactly 254"),
    R(A64 "@" D190, "address_too_long", 0, NULL, 0, NULL, "address of 255"),
    R(A63 "@" D190, "ok", 0, A63 "@" D190, 0, NULL, "254 again, split differently"),
    R(" " A64 "@" D189 " ", "ok", C, A64 "@" D189, 0, NULL, "the limit counts the address, not the pasted spaces"),
    R("<" A64 "@" D189 ">", "ok", C, A64 "@" D189, 0, NULL, "nor the angle brackets"),
    R(A64 "@" B63 "." B63 ".xn--p1ai", "ok", I, A64 "@" B63 "." B63 ".xn--p1ai", 0, NULL, "A-label counted as written"),
    R(A62 "@" B63 "." B63 "." B60 ".рф", "address_too_long", 0, NULL, 0, NULL, "254 characters as typed, 260 octets with A-labels"),
    D(D253, "ok", 0, D253, "domain of exactly 253"),
    D(D254, "domain_too_long", 0, NULL, "domain of 254"),
    D(B63 ".ru", "ok", 0, B63 ".ru", "label of 63 in a domain alone"),
    D(B64 ".ru", "label_too_long", 0, NULL, "label of 64 in a domain alone"),

    /* ---- the Russian keyboard layout */
    R("ефтглш\"ьфшдюкг", "no_at_sign", 0, NULL, FREE | LAYOUT, "tanuki@mail.ru", "the real row from a CRM dump"),
    R("ЕФТГЛШ\"ЬФШДЮКГ", "no_at_sign", 0, NULL, FREE | LAYOUT, "tanuki@mail.ru", "Caps Lock on as well"),
    R("Ефтглш\"ьфшдюкг", "no_at_sign", 0, NULL, FREE | LAYOUT, "Tanuki@mail.ru", "Shift for the first letter only: kept"),
    R("ефтглш\"ьфшдбкг", "no_at_sign", 0, NULL, FREE | LAYOUT | SEP, "tanuki@mail.ru", "б is the comma key: layout, then comma"),
    R("шмфт\"нфтвучюкг", "no_at_sign", 0, NULL, FREE | LAYOUT, "ivan@yandex.ru", "yandex.ru typed in Russian"),
    R("шмфт\"пьфшдюсщь", "no_at_sign", 0, NULL, FREE | LAYOUT, "ivan@gmail.com", "gmail.com typed in Russian"),
    R("шмфтюзуекщм\"ьфшдюкг", "no_at_sign", 0, NULL, FREE | LAYOUT, "ivan.petrov@mail.ru", "ю is the dot key"),
    R("шмфт\"фгещвщьюкг", "no_at_sign", 0, NULL, LAYOUT, "ivan@autodom.ru", "\" for @ proves the layout: any domain"),
    R("ШМФТ\"ЬФШДЮКГ", "no_at_sign", 0, NULL, FREE | LAYOUT, "ivan@mail.ru", "Caps Lock"),
    R("ivan@ьфшдюкг", "domain_no_dot", 0, NULL, FREE | LAYOUT, "ivan@mail.ru", "switched layout after @"),
    R("шмфт@mail.ru", "ok", U, "шмфт@mail.ru", FREE | LAYOUT, "ivan@mail.ru", "local part typed in Russian at a provider with ASCII mailboxes"),
    R("ЕФТГЛШ@MAIL.RU", "ok", U, "ЕФТГЛШ@mail.ru", FREE | LAYOUT, "tanuki@mail.ru", "same, with Caps Lock"),
    R("ефтглш@mail.ru", "ok", U, "ефтглш@mail.ru", FREE | LAYOUT, "tanuki@mail.ru", "same, lower case"),
    R("ivan@ьфшд.кг", "ok", I, "ivan@xn--d1a5amo.xn--c1an", LAYOUT, "ivan@mail.ru", "a valid IDN that is mail.ru in Russian layout"),
    R("ivan@пьфшдюсщь", "domain_no_dot", 0, NULL, FREE | LAYOUT, "ivan@gmail.com", "gmail.com in Russian layout after @"),
    R("ьфшдюкг", "no_at_sign", 0, NULL, 0, NULL, "a domain alone in Russian layout: no @ to put back"),

    /* ---- Cyrillic letters that look Latin */
    R("iv\xd0\xb0n@mail.ru", "ok", U, "iv\xd0\xb0n@mail.ru", FREE | TYPO, "ivan@mail.ru", "Cyrillic а in a Latin name"),
    R("iv\xd0\xb0n@autodom.ru", "ok", U, "iv\xd0\xb0n@autodom.ru", TYPO, "ivan@autodom.ru", "look-alike fix needs no known domain"),
    R("ivan@m\xd0\xb0il.ru", "ok", I, "ivan@xn--mil-6cd.ru", TYPO, "ivan@mail.ru", "Cyrillic а in the domain"),
    R("ivan@\xd1\x83\xd0\xb0ndex.ru", "ok", I, "ivan@xn--ndex-43d7i.ru", TYPO, "ivan@yandex.ru", "Cyrillic у and а in yandex"),
    R("\xd0\xa0" "etr@mail.ru", "ok", U, "\xd0\xa0" "etr@mail.ru", FREE | TYPO, "Petr@mail.ru", "Cyrillic capital Р"),
    R("ivan@gm\xd0\xb0il.c\xd0\xbem", "ok", I, "ivan@xn--gmil-63d.xn--cm-fmc", TYPO, "ivan@gmail.com", "look-alikes in two labels"),
};

static const SUGGEST *sg;

/* printable - a row's input, fit for a TAP test name */

static void printable(const ROW *row, char *buf, size_t size)
{
    size_t  len = row->len ? row->len : strlen(row->input);
    size_t  o = 0;

    for (size_t i = 0; i < len && o + 8 < size; i++) {
	unsigned char c = (unsigned char) row->input[i];

	if (c < 0x20 || c == 0x7F || c == '#')
	    o += (size_t) snprintf(buf + o, size - o, "\\x%02x", c);
	else
	    buf[o++] = (char) c;
    }
    if (len > 0 && o + 8 >= size)
	o += (size_t) snprintf(buf + o, size - o, "...");
    buf[o] = 0;
}

/* check_valid - what every valid result must satisfy */

static void check_valid(const ADDR *a)
{
    ADDR    again;

    assert_int_equal(strlen(a->local), a->local_len);
    assert_int_equal(strlen(a->domain), a->domain_len);
    assert_int_equal(strlen(a->address), a->address_len);
    assert_true(a->local_len >= 1 && a->local_len <= ADDR_LOCAL_MAX);
    assert_true(a->domain_len >= 3 && a->domain_len <= ADDR_DOMAIN_MAX);
    assert_true(a->address_len <= ADDR_ADDRESS_MAX);
    assert_int_equal(strlen(a->key), a->address_len);
    /* The domain is lower-case ASCII. */
    for (size_t i = 0; i < a->domain_len; i++) {
	assert_true((unsigned char) a->domain[i] < 0x80);
	assert_false(a->domain[i] >= 'A' && a->domain[i] <= 'Z');
    }
    /* Idempotent: the normalized form parses to itself, as does the display form. */
    assert_int_equal(addr_parse(a->address, a->address_len, &again), ADDR_OK);
    assert_string_equal(again.address, a->address);
    assert_string_equal(again.key, a->key);
    assert_int_equal(addr_parse(a->display, strlen(a->display), &again), ADDR_OK);
    assert_string_equal(again.address, a->address);
}

/* run_row - one row of the table */

static void run_row(void **state)
{
    const ROW *row = *state;
    size_t  len = row->len ? row->len : strlen(row->input);
    SUGGESTION s;
    ADDR    a;
    int     r, k;

    if (row->mode == 'd') {
	r = addr_parse_domain(row->input, len, &a);
	assert_string_equal(addr_reason_name(r), row->reason);
	assert_int_equal(a.reason, r);
	assert_int_equal(a.flags, row->aflags);
	assert_string_equal(a.domain, row->address ? row->address : "");
	return;
    }
    r = addr_parse(row->input, len, &a);
    assert_string_equal(addr_reason_name(r), row->reason);
    assert_int_equal(a.reason, r);
    assert_int_equal(a.flags, row->aflags);
    assert_string_equal(a.address, row->address ? row->address : "");
    if (r == ADDR_OK)
	check_valid(&a);

    k = suggest_check(sg, row->input, len, &a, &s);
    assert_int_equal(s.flags, row->sflags);
    if (row->suggestion == NULL) {
	assert_int_equal(k, 0);
	assert_string_equal(s.address, "");
    } else {
	ADDR    b;

	assert_int_equal(k, 1);
	assert_string_equal(s.address, row->suggestion);
	assert_true(s.rule != SUGGEST_NONE);
	/* A suggestion is always a valid address, never the input again. */
	assert_int_equal(addr_parse(s.address, strlen(s.address), &b), ADDR_OK);
	assert_string_equal(b.address, s.address);
	if (r == ADDR_OK)
	    assert_string_not_equal(s.address, a.address);
    }
    /* The same verdict when suggest_check() parses by itself. */
    k = suggest_check(sg, row->input, len, NULL, &s);
    assert_int_equal(s.flags, row->sflags);
    assert_int_equal(k, row->suggestion != NULL);
}

/* keys_and_display - the storage key and the display form */

static void keys_and_display(void **state)
{
    static const struct {
	const char *in;
	const char *key;
	const char *udomain;
	const char *display;
    }       cases[] = {
	{"Ivan.Petrov@Mail.RU", "ivan.petrov@mail.ru", "mail.ru", "Ivan.Petrov@mail.ru"},
	{"ИВАН@ПОЧТА.РФ", "иван@xn--80a1acny.xn--p1ai", "почта.рф", "ИВАН@почта.рф"},
	{"ЁЛКА@mail.ru", "ёлка@mail.ru", "mail.ru", "ЁЛКА@mail.ru"},
	{"Ivan@xn--80a1acny.xn--p1ai", "ivan@xn--80a1acny.xn--p1ai", "почта.рф", "Ivan@почта.рф"},
	{"\"Ivan Petrov\"@x.ru", "\"ivan petrov\"@x.ru", "x.ru", "\"Ivan Petrov\"@x.ru"},
	{"ÀÉÎ@example.com", "àéî@example.com", "example.com", "ÀÉÎ@example.com"},
	{"ΑΒΓ@example.com", "αβγ@example.com", "example.com", "ΑΒΓ@example.com"},
	{"ЃЄЇ@example.com", "ѓєї@example.com", "example.com", "ЃЄЇ@example.com"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	ADDR    a;

	assert_int_equal(addr_parse(cases[i].in, strlen(cases[i].in), &a), ADDR_OK);
	assert_string_equal(a.key, cases[i].key);
	assert_string_equal(a.udomain, cases[i].udomain);
	assert_string_equal(a.display, cases[i].display);
    }
}

/* same_domain - U-labels and A-labels name the same domain */

static void same_domain(void **state)
{
    ADDR    a, b;

    assert_int_equal(addr_parse("иван@почта.рф", strlen("иван@почта.рф"), &a), ADDR_OK);
    assert_int_equal(addr_parse("иван@xn--80a1acny.xn--p1ai",
				strlen("иван@xn--80a1acny.xn--p1ai"), &b), ADDR_OK);
    assert_string_equal(a.key, b.key);
    assert_string_equal(a.display, b.display);
    assert_string_equal(a.udomain, "почта.рф");
}

/* reason_texts - every reason has a name and both texts; names are unique */

static void reason_texts(void **state)
{
    for (int r = 0; r < ADDR_REASON_COUNT; r++) {
	const char *name = addr_reason_name(r);
	const char *en = addr_reason_text(r, "en");
	const char *ru = addr_reason_text(r, "ru_RU.UTF-8");

	assert_non_null(name);
	assert_true(strlen(en) > 10);
	assert_true(strlen(ru) > 10);
	assert_string_not_equal(en, ru);
	assert_int_equal(addr_reason_by_name(name), r);
	for (int j = 0; j < r; j++)
	    assert_string_not_equal(addr_reason_name(j), name);
    }
    assert_string_equal(addr_reason_name(-1), "unknown");
    assert_string_equal(addr_reason_name(ADDR_REASON_COUNT), "unknown");
    assert_string_equal(addr_reason_text(ADDR_NO_AT, NULL), "There is no @ sign.");
    assert_string_equal(addr_reason_text(ADDR_NO_AT, "RU"), "В адресе нет знака @.");
    assert_int_equal(addr_reason_by_name("no_such_reason"), -1);
    assert_string_equal(addr_flag_name(ADDR_F_IDN), "idn");
    assert_null(addr_flag_name(3));

    for (int r = 1; r < SUGGEST_RULE_COUNT; r++) {
	assert_true(strlen(suggest_rule_text(r, "en")) > 10);
	assert_true(strlen(suggest_rule_text(r, "ru")) > 10);
	assert_string_not_equal(suggest_rule_name(r), "unknown");
    }
    assert_string_equal(suggest_flag_name(SUGGEST_F_LAYOUT), "layout");
}

/* rng - xorshift64*, a fixed sequence on every platform */

static uint64_t rng(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (*s * 0x2545F4914F6CDD1DULL);
}

#define RANDOM_COUNT	1000

/*
 * random_bytes - odd input never crashes and never breaks an invariant.
 * A third of the strings are random bytes and pieces; the rest are good
 * addresses with one to three random mutations, so that both valid and
 * refused results (and suggestions) are reached.
 */

static void random_bytes(void **state)
{
    static const char *const seeds[] = {
	"ivan@mail.ru", "Ivan.Petrov@Yandex.RU", "иван@почта.рф",
	"\"ivan petrov\"@x.ru", "info+crm@autodom.ru", "ivan@xn--80a1acny.xn--p1ai",
	"mailto:ivan@gmail.com?subject=x", " <ivan@bk.ru> ", "ефтглш\"ьфшдюкг",
    };
    static const char *const pieces[] = {
	"@", ".", "\r\n", "\n", " ", "\t", "\"", "\\", "<", ">", "(", ")",
	",", ";", "mailto:", "xn--", "-", "ivan", "mail", "ru", "почта",
	"рф", "\xc2\xa0", "\xe2\x80\x8b", "\xd0", "\xff", "\xed\xa0\x80",
	"%D0%B8", "?", "[", "]", "ефтглш", "\"", "собака", "ю", "б",
    };
    uint64_t seed_state = 0x5eed2024cafeULL;
    int     ok = 0, suggested = 0;

    for (int n = 0; n < RANDOM_COUNT; n++) {
	char    buf[400];
	size_t  len = 0;
	size_t  want = (size_t) (rng(&seed_state) % 120);
	SUGGESTION s;
	ADDR    a;
	int     r;

	if (n % 3 != 0) {
	    const char *seed = seeds[rng(&seed_state) % (sizeof(seeds) / sizeof(seeds[0]))];
	    int     muts = (int) (rng(&seed_state) % 4);

	    len = strlen(seed);
	    memcpy(buf, seed, len);
	    while (muts-- > 0 && len > 0 && len < sizeof(buf) - 8) {
		uint64_t x = rng(&seed_state);
		size_t  at = (size_t) (x >> 16) % len;

		switch (x % 3) {
		case 0:				/* replace a byte */
		    buf[at] = (char) (x >> 40);
		    break;
		case 1:				/* delete a byte */
		    memmove(buf + at, buf + at + 1, len - at - 1);
		    len--;
		    break;
		default:			/* insert a piece */
		    {
			const char *p = pieces[(x >> 8) % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t  pl = strlen(p);

			memmove(buf + at + pl, buf + at, len - at);
			memcpy(buf + at, p, pl);
			len += pl;
		    }
		}
	    }
	    want = 0;
	}
	while (len < want) {
	    uint64_t x = rng(&seed_state);

	    if (x % 3 == 0) {			/* any byte, NUL included */
		buf[len++] = (char) (x >> 8);
	    } else {
		const char *p = pieces[(x >> 8) % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t  pl = strlen(p);

		if (len + pl > sizeof(buf))
		    break;
		memcpy(buf + len, p, pl);
		len += pl;
	    }
	}
	r = addr_parse(buf, len, &a);
	assert_true(r >= 0 && r < ADDR_REASON_COUNT);
	assert_int_equal(a.reason, r);
	if (r == ADDR_OK) {
	    check_valid(&a);
	    ok++;
	} else {
	    assert_string_equal(a.address, "");
	}
	if (suggest_check(sg, buf, len, &a, &s)) {
	    ADDR    b;

	    assert_int_equal(addr_parse(s.address, strlen(s.address), &b), ADDR_OK);
	    suggested++;
	}
    }
    /* The generator must reach both sides, or it tests little. */
    printf("# random: %d strings, %d valid, %d with a suggestion\n", RANDOM_COUNT, ok, suggested);
    assert_true(ok > 0);
    assert_true(suggested > 0);
}

/* huge_input - a megabyte of anything is refused fast, or trimmed */

static void huge_input(void **state)
{
    size_t  mb = 1024 * 1024;
    char   *big = malloc(2 * mb + 64);
    SUGGESTION s;
    ADDR    a;

    assert_non_null(big);
    memset(big, 'a', mb);
    assert_int_equal(addr_parse(big, mb, &a), ADDR_TOO_LONG);
    assert_int_equal(suggest_check(sg, big, mb, &a, &s), 0);

    memset(big, '@', mb);
    assert_int_equal(addr_parse(big, mb, &a), ADDR_TOO_LONG);
    assert_int_equal(suggest_check(sg, big, mb, NULL, &s), 0);

    memset(big, 0, mb);
    assert_int_equal(addr_parse(big, mb, &a), ADDR_TOO_LONG);

    /* A megabyte of blanks on each side of a good address is a paste. */
    memset(big, ' ', 2 * mb + 64);
    memcpy(big + mb, "ivan@mail.ru", 12);
    assert_int_equal(addr_parse(big, 2 * mb + 64, &a), ADDR_OK);
    assert_string_equal(a.address, "ivan@mail.ru");
    assert_int_equal(a.flags, ADDR_F_CLEANED);

    /* Just over the work limit, and just under it. */
    memset(big, 'b', ADDR_INPUT_MAX + 1);
    assert_int_equal(addr_parse(big, ADDR_INPUT_MAX + 1, &a), ADDR_TOO_LONG);
    assert_int_equal(addr_parse(big, ADDR_INPUT_MAX, &a), ADDR_NO_AT);
    big[0] = '@';
    assert_int_equal(addr_parse(big, ADDR_INPUT_MAX, &a), ADDR_LOCAL_EMPTY);
    big[0] = 'b';
    big[ADDR_INPUT_MAX - 4] = '@';
    assert_int_equal(addr_parse(big, ADDR_INPUT_MAX, &a), ADDR_LOCAL_TOO_LONG);
    assert_int_equal(suggest_check(sg, big, ADDR_INPUT_MAX, &a, &s), 0);
    free(big);

    assert_int_equal(addr_parse(NULL, 10, &a), ADDR_EMPTY);
    assert_int_equal(suggest_check(sg, NULL, 10, NULL, &s), 0);
}

/* distances - the edit distance reported with a typo suggestion */

static void distances(void **state)
{
    static const struct {
	const char *in;
	int     rule;
	int     distance;
    }       cases[] = {
	{"a@gmial.com", SUGGEST_TYPO_MAP, 1},
	{"a@yandeks.ru", SUGGEST_TYPO_MAP, 2},
	{"a@mail.ry", SUGGEST_TYPO_MAP, 1},
	{"a@bk.ry", SUGGEST_TLD, 1},
	{"a@gmail.cpm", SUGGEST_TLD, 1},
	{"a@maik.ru", SUGGEST_DISTANCE, 1},
	{"a@hotmial.com", SUGGEST_DISTANCE, 1},
	{"a@hotmaik.co", SUGGEST_DISTANCE, 2},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	SUGGESTION s;

	assert_int_equal(suggest_check(sg, cases[i].in, strlen(cases[i].in), NULL, &s), 1);
	assert_int_equal(s.rule, cases[i].rule);
	assert_int_equal(s.distance, cases[i].distance);
    }
}

#define NROWS	(sizeof(rows) / sizeof(rows[0]))
#define NEXTRA	7

/* rows_count - the table is the specification: keep it large */

static void rows_count(void **state)
{
    assert_true(NROWS >= 300);
}

int     main(void)
{
    static struct CMUnitTest tests[NROWS + NEXTRA];
    static char names[NROWS][200];
    char    err[512];
    size_t  n = 0;
    SUGGEST *loaded;

    if ((loaded = suggest_load(TEST_DATADIR, err, sizeof(err))) == NULL) {
	printf("Bail out! cannot load lists: %s\n", err);
	return (1);
    }
    sg = loaded;
    for (size_t i = 0; i < NROWS; i++) {
	char    in[120];

	printable(rows + i, in, sizeof(in));
	snprintf(names[i], sizeof(names[i]), "%s [%s]: %s", in, rows[i].reason, rows[i].why);
	tests[n].name = names[i];
	tests[n].test_func = run_row;
	tests[n].setup_func = NULL;
	tests[n].teardown_func = NULL;
	tests[n].initial_state = (void *) (rows + i);
	n++;
    }
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(keys_and_display);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(same_domain);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(reason_texts);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(random_bytes);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(huge_input);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(distances);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(rows_count);
    int     status = UNIT_RUN(tests);

    suggest_free(loaded);
    return (status);
}
