#!/usr/bin/python3
"""gen_addresses.py - realistic CRM e-mail addresses for the audit benchmark.

Usage: gen_addresses.py [-n COUNT] [-s SEED] > addresses.txt

Writes COUNT lines (default 1,000,000), the same lines for the same SEED
(default 20240611) on any machine: Python's random.Random is specified to
give the same sequence for a seed.  The mix is meant to look like a Russian
car dealer's customer table, not a stress test:

   60 %  free-mail providers, weighted as a Russian CRM sees them
         (of those mail.ru 37 %, yandex.ru 22 %, gmail.com 16 %, ...)
   20 %  company domains (dealers, employers); 5 % of those in .рф or
         xn--p1ai, almost all distinct, so each costs a libidn2 call
    5 %  typos of providers: 3 % well-known (gmial.com, mail.ry),
         2 % one random slip (dropped, doubled, swapped or wrong key)
    3 %  Cyrillic: 1.5 % Cyrillic local part at a Cyrillic domain,
         1.5 % Latin local part at a Cyrillic domain (a few domains)
    3 %  role (info@, sales@ at companies) and disposable addresses
    1 %  typed with the Russian keyboard layout on
    2 %  pasted forms (spaces, <...>, mailto:, trailing dot, NBSP)
    6 %  invalid (no @, commas, spaces, display names, @@, dotless,
         overlong local parts, literals, comments, random garbage)

Only the Python standard library is used.
"""

import argparse
import random
import sys

PROVIDERS = [  # (domain, weight)
    ("mail.ru", 250), ("yandex.ru", 150), ("gmail.com", 110), ("bk.ru", 30),
    ("inbox.ru", 30), ("list.ru", 25), ("ya.ru", 20), ("rambler.ru", 25),
    ("icloud.com", 10), ("outlook.com", 5), ("hotmail.com", 5),
    ("yahoo.com", 4), ("internet.ru", 3), ("yandex.by", 2), ("yandex.kz", 2),
    ("ukr.net", 2), ("tut.by", 2), ("mail.ua", 1), ("lenta.ru", 2),
    ("googlemail.com", 1), ("me.com", 1), ("live.com", 1), ("autorambler.ru", 1),
]

FIRST = ["ivan", "petr", "sergey", "alexey", "andrey", "dmitry", "nikolay",
         "mikhail", "oleg", "pavel", "vladimir", "yury", "anna", "elena",
         "olga", "natalia", "irina", "tatiana", "svetlana", "maria", "ekaterina",
         "yulia", "anastasia", "viktor", "roman", "artem", "denis", "maxim",
         "kirill", "igor", "evgeny", "konstantin", "galina", "lyudmila"]
LAST = ["ivanov", "petrov", "sidorov", "smirnov", "kuznetsov", "popov",
        "vasiliev", "sokolov", "mikhailov", "novikov", "fedorov", "morozov",
        "volkov", "alekseev", "lebedev", "semenov", "egorov", "pavlov",
        "kozlov", "stepanov", "nikolaev", "orlov", "andreev", "makarov",
        "zakharov", "zaitsev", "solovyov", "borisov", "yakovlev", "grigoriev"]
WORDS = ["avto", "auto", "motor", "dealer", "center", "trade", "service",
         "group", "stroy", "tech", "prom", "invest", "logistic", "agro",
         "med", "city", "nord", "sever", "yug", "ural", "sibir", "volga",
         "neva", "kama", "don", "baltic", "profi", "mega", "alfa", "delta"]
ZONES = [(".ru", 70), (".com", 12), (".net", 4), (".su", 2), (".org", 2),
         (".рф", 4), (".xn--p1ai", 1), (".moscow", 1), (".ua", 2), (".by", 2)]
CYR_FIRST = ["иван", "пётр", "сергей", "анна", "елена", "ольга", "мария",
             "алексей", "дмитрий", "наталья"]
CYR_DOMAINS = ["почта.рф", "автосалон.рф", "дилер.рф", "компания.рф",
               "xn--80a1acny.xn--p1ai", "сервис-авто.рф", "завод.рус"]
ROLES = ["info", "sales", "office", "support", "noreply", "admin", "buh",
         "zakaz", "service", "manager"]
DISPOSABLE = ["mailinator.com", "10minutemail.com", "yopmail.com",
              "guerrillamail.com", "temp-mail.org", "sharklasers.com"]
KNOWN_TYPOS = ["gmial.com", "gmai.com", "gamil.com", "gmail.co", "gmail.con",
               "yandx.ru", "yndex.ru", "yandex.ry", "mail.ry", "mial.ru",
               "mai.ru", "maill.ru", "ramblr.ru", "inbox.ry", "bk.ry",
               "list.ry", "hotmial.com", "iclod.com", "gmaill.com"]
QWERTY_RU = dict(zip("qwertyuiop[]asdfghjkl;'zxcvbnm,.`",
                     "йцукенгшщзхъфывапролджэячсмитьбюё"))
QWERTY_RU["@"] = '"'


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.randrange(total)
    for item, w in pairs:
        if x < w:
            return item
        x -= w
    return pairs[-1][0]


def local_part(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    form = rng.randrange(10)
    if form == 0:
        return f
    if form == 1:
        return f + "." + l
    if form == 2:
        return f + "_" + l
    if form == 3:
        return l + str(rng.randrange(1950, 2010))
    if form == 4:
        return f[0] + "." + l
    if form == 5:
        return f + l + str(rng.randrange(100))
    if form == 6:
        return l + "-" + f
    if form == 7:
        return (f + "." + l).capitalize()
    if form == 8:
        return f + str(rng.randrange(10000))
    return l + "." + f[0] + str(rng.randrange(1, 99))


def company_domain(rng):
    w = rng.sample(WORDS, 2)
    name = rng.choice([w[0] + w[1], w[0] + "-" + w[1], w[0] + "-" + rng.choice(LAST),
                       w[0] + str(rng.randrange(1, 100))])
    if rng.randrange(10) == 0:
        name = rng.choice(["mail.", "corp.", "spb.", "msk."]) + name
    return name + weighted(rng, ZONES)


def typo(rng, domain):
    """One random slip in a provider's name: drop, double, swap, replace."""
    i = rng.randrange(len(domain) - 1)
    kind = rng.randrange(4)
    if domain[i] == "." or domain[i + 1] == ".":
        kind = 1
    if kind == 0:
        return domain[:i] + domain[i + 1:]
    if kind == 1:
        return domain[:i] + domain[i] + domain[i:]
    if kind == 2:
        return domain[:i] + domain[i + 1] + domain[i] + domain[i + 2:]
    return domain[:i] + rng.choice("qwertyuiopasdfghjklzxcvbnm") + domain[i + 1:]


def invalid(rng):
    local, dom = local_part(rng), weighted(rng, PROVIDERS)
    kind = rng.randrange(16)
    forms = [
        lambda: local + dom,                                  # no @
        lambda: local + "@" + dom.replace(".", ",", 1),       # comma
        lambda: local + " @" + dom,                           # space
        lambda: local + "@@" + dom,                           # double @
        lambda: local + ".." + "x@" + dom,                    # double dot
        lambda: "Иван Петров <" + local + "@" + dom + ">",    # display name
        lambda: local + "@" + dom.replace(".", ""),           # dotless
        lambda: local + " " + dom,                            # space for @
        lambda: "a" * rng.randrange(65, 90) + "@" + dom,      # local too long
        lambda: local + "@" + dom + ",",                      # list comma
        lambda: "",                                           # empty cell
        lambda: local,                                        # name only
        lambda: local + "@[192.0.2." + str(rng.randrange(255)) + "]",
        lambda: "".join(chr(rng.randrange(33, 127)) for _ in range(rng.randrange(3, 30))),
        lambda: local + "@" + dom + " (" + rng.choice(CYR_FIRST) + ")",
        lambda: local + "@-" + company_domain(rng),
    ]
    return forms[kind]()


def pasted(rng):
    addr = local_part(rng) + "@" + weighted(rng, PROVIDERS)
    kind = rng.randrange(5)
    return [" " + addr + " ", "<" + addr + ">", "mailto:" + addr,
            addr + ".", "\u00a0" + addr][kind]


def layout(rng):
    text = local_part(rng).lower() + "@" + weighted(rng, PROVIDERS)
    return "".join(QWERTY_RU.get(c, c) for c in text)


def address(rng):
    x = rng.randrange(1000)
    if x < 600:
        return local_part(rng) + "@" + weighted(rng, PROVIDERS)
    if x < 800:
        return local_part(rng) + "@" + company_domain(rng)
    if x < 830:
        return local_part(rng) + "@" + rng.choice(KNOWN_TYPOS)
    if x < 850:
        return local_part(rng) + "@" + typo(rng, weighted(rng, PROVIDERS))
    if x < 865:
        return rng.choice(CYR_FIRST) + str(rng.randrange(100)) + "@" + rng.choice(CYR_DOMAINS)
    if x < 880:
        return local_part(rng) + "@" + rng.choice(CYR_DOMAINS)
    if x < 900:
        return rng.choice(ROLES) + "@" + company_domain(rng)
    if x < 910:
        return local_part(rng) + "@" + rng.choice(DISPOSABLE)
    if x < 920:
        return layout(rng)
    if x < 940:
        return pasted(rng)
    return invalid(rng)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--count", type=int, default=1000000)
    ap.add_argument("-s", "--seed", type=int, default=20240611)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    out.reconfigure(encoding="utf-8", newline="\n")
    chunk = []
    for _ in range(args.count):
        chunk.append(address(rng))
        if len(chunk) == 10000:
            out.write("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        out.write("\n".join(chunk) + "\n")


if __name__ == "__main__":
    main()
