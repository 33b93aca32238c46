/*++
 * NAME
 *	addr_reason 3
 * SUMMARY
 *	why an address was refused: machine names and texts for people
 * SYNOPSIS
 *	#include "addr.h"
 *
 *	const char *addr_reason_name(int reason)
 *	const char *addr_reason_text(int reason, const char *lang)
 *	int	addr_reason_by_name(const char *name)
 *	const char *addr_flag_name(unsigned flag)
 * DESCRIPTION
 *	addr_reason_name() returns the stable machine name of an
 *	ADDR_REASON ("no_at_sign"), for storage, logs and the CRM;
 *	"unknown" for a number out of range.  addr_reason_text() returns
 *	one sentence a salesperson can act on, in Russian when lang starts
 *	with "ru" (any case: "ru", "ru_RU.UTF-8") and in English otherwise
 *	(also for NULL).  Names and both texts live in one table, so a new
 *	reason cannot lack a translation without the test noticing.
 *
 *	addr_reason_by_name() maps a name back to its reason (-1: none).
 *	addr_flag_name() names one ADDR_F_* bit ("quoted", "utf8_local",
 *	"idn", "cleaned"), or returns NULL.
 * MEMORY
 *	All strings are static.
 *--*/

#include "config.h"

#include <string.h>
#include <strings.h>

#include "addr.h"

/*
 * One table for the reasons: the stable name, and a sentence in English
 * and in Russian.
 */
typedef struct {
    const char *name;
    const char *en;
    const char *ru;
} ADDR_REASON_INFO;

static const ADDR_REASON_INFO addr_reasons[ADDR_REASON_COUNT] = {
    [ADDR_OK] = {"ok",
	"The address is well-formed.",
    "Адрес записан правильно."},
    [ADDR_EMPTY] = {"empty",
	"No address was given.",
    "Адрес не указан."},
    [ADDR_TOO_LONG] = {"address_too_long",
	"The address is longer than 254 characters.",
    "Адрес длиннее 254 символов."},
    [ADDR_CONTROL_CHAR] = {"control_char",
	"The address contains a control character such as a line break.",
    "В адресе есть управляющий символ, например перевод строки."},
    [ADDR_BAD_UTF8] = {"bad_encoding",
	"The address contains damaged characters (not valid UTF-8).",
    "В адресе есть испорченные символы (неверная кодировка UTF-8)."},
    [ADDR_INVISIBLE_CHAR] = {"invisible_char",
	"The address contains an invisible character (zero-width space, direction mark or similar).",
    "В адресе есть невидимый символ (пробел нулевой ширины, знак направления текста и т. п.)."},
    [ADDR_NO_AT] = {"no_at_sign",
	"There is no @ sign.",
    "В адресе нет знака @."},
    [ADDR_MULTIPLE_AT] = {"multiple_at_signs",
	"There is more than one @ sign.",
    "В адресе больше одного знака @."},
    [ADDR_MULTIPLE] = {"multiple_addresses",
	"This looks like several addresses; enter one.",
    "Похоже, здесь несколько адресов; укажите один."},
    [ADDR_DISPLAY_NAME] = {"display_name",
	"Enter the address alone, without a name or angle brackets.",
    "Укажите только адрес, без имени и угловых скобок."},
    [ADDR_COMMENT] = {"comment",
	"Remove the text in parentheses.",
    "Уберите текст в скобках."},
    [ADDR_OBSOLETE] = {"obsolete_syntax",
	"The address uses an obsolete form that mail systems no longer accept.",
    "Адрес записан в устаревшей форме, которую почтовые системы не принимают."},
    [ADDR_SPACE] = {"space",
	"The address contains a space.",
    "В адресе есть пробел."},
    [ADDR_COMMA] = {"comma",
	"The address contains a comma; a dot was probably meant.",
    "В адресе запятая; вероятно, имелась в виду точка."},
    [ADDR_LOCAL_EMPTY] = {"local_empty",
	"There is nothing before the @ sign.",
    "Перед знаком @ ничего нет."},
    [ADDR_LOCAL_TOO_LONG] = {"local_too_long",
	"The part before the @ sign is longer than 64 characters.",
    "Часть адреса до знака @ длиннее 64 символов."},
    [ADDR_LOCAL_DOT_START] = {"local_leading_dot",
	"The part before the @ sign starts with a dot.",
    "Часть адреса до знака @ начинается с точки."},
    [ADDR_LOCAL_DOT_END] = {"local_trailing_dot",
	"The part before the @ sign ends with a dot.",
    "Часть адреса до знака @ заканчивается точкой."},
    [ADDR_LOCAL_DOTS] = {"local_double_dot",
	"There are two dots in a row before the @ sign.",
    "До знака @ стоят две точки подряд."},
    [ADDR_LOCAL_CHAR] = {"local_bad_char",
	"The part before the @ sign contains a character that is not allowed there.",
    "Часть адреса до знака @ содержит недопустимый символ."},
    [ADDR_QUOTED_BAD] = {"quoted_bad",
	"The quoted part before the @ sign is broken (an unclosed quote or a character not allowed there).",
    "Ошибка в части адреса в кавычках (кавычка не закрыта или стоит недопустимый символ)."},
    [ADDR_DOMAIN_EMPTY] = {"domain_empty",
	"There is nothing after the @ sign.",
    "После знака @ ничего нет."},
    [ADDR_DOMAIN_TOO_LONG] = {"domain_too_long",
	"The domain is longer than 253 characters.",
    "Домен длиннее 253 символов."},
    [ADDR_LABEL_TOO_LONG] = {"label_too_long",
	"A part of the domain between dots is longer than 63 characters.",
    "Часть домена между точками длиннее 63 символов."},
    [ADDR_LABEL_EMPTY] = {"domain_empty_label",
	"The domain starts with a dot or has two dots in a row.",
    "Домен начинается с точки или в нём две точки подряд."},
    [ADDR_LABEL_HYPHEN] = {"label_hyphen",
	"A part of the domain starts or ends with a hyphen.",
    "Часть домена начинается или заканчивается дефисом."},
    [ADDR_LABEL_RESERVED] = {"label_reserved",
	"A part of the domain has hyphens in the 3rd and 4th positions, which only internationalized (xn--) names may have.",
    "В части домена дефисы стоят на 3-й и 4-й позициях — так можно только в национальных (xn--) именах."},
    [ADDR_DOMAIN_CHAR] = {"domain_bad_char",
	"The domain contains a character not allowed in domain names.",
    "В домене есть недопустимый символ."},
    [ADDR_DOTLESS] = {"domain_no_dot",
	"The domain has no dot: the zone, such as .ru or .com, is missing.",
    "В домене нет точки: не хватает зоны, например .ru или .com."},
    [ADDR_TLD_NUMERIC] = {"tld_numeric",
	"The domain ends in a number; a top-level domain is never numeric.",
    "Домен заканчивается числом; зона не может быть числовой."},
    [ADDR_DOMAIN_IP] = {"domain_ip",
	"An IP address stands where the domain should be.",
    "Вместо домена указан IP-адрес."},
    [ADDR_LITERAL] = {"address_literal",
	"An IP address in square brackets is not accepted; a customer address needs a domain.",
    "IP-адрес в квадратных скобках не принимается: у адреса клиента должен быть домен."},
    [ADDR_IDN_INVALID] = {"idn_invalid",
	"The internationalized domain name is not valid (IDNA 2008).",
    "Национальное доменное имя недопустимо (IDNA 2008)."},
    [ADDR_ALABEL_INVALID] = {"alabel_invalid",
	"A part of the domain that starts with xn-- is not valid punycode.",
    "Часть домена, начинающаяся с xn--, не является правильным punycode."},
    [ADDR_INTERNAL] = {"internal_error",
	"The address could not be checked (out of memory).",
    "Адрес не удалось проверить (не хватило памяти)."},
};

static const char *const addr_flag_names[] = {
    "quoted", "utf8_local", "idn", "cleaned",
};

/* addr_reason_name - stable machine name of a reason */

const char *addr_reason_name(int reason)
{
    if (reason < 0 || reason >= ADDR_REASON_COUNT)
	return ("unknown");
    return (addr_reasons[reason].name);
}

/* addr_reason_text - one sentence for a person, Russian or English */

const char *addr_reason_text(int reason, const char *lang)
{
    if (reason < 0 || reason >= ADDR_REASON_COUNT)
	reason = ADDR_INTERNAL;
    if (lang != NULL && strncasecmp(lang, "ru", 2) == 0)
	return (addr_reasons[reason].ru);
    return (addr_reasons[reason].en);
}

/* addr_reason_by_name - reason for a machine name, or -1 */

int     addr_reason_by_name(const char *name)
{
    for (int i = 0; name != NULL && i < ADDR_REASON_COUNT; i++)
	if (strcmp(addr_reasons[i].name, name) == 0)
	    return (i);
    return (-1);
}

/* addr_flag_name - name of one ADDR_F_* bit, or NULL */

const char *addr_flag_name(unsigned flag)
{
    for (size_t i = 0; i < sizeof(addr_flag_names) / sizeof(addr_flag_names[0]); i++)
	if (flag == (1u << i))
	    return (addr_flag_names[i]);
    return (NULL);
}
