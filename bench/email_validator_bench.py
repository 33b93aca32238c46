#!/usr/bin/python3
"""email_validator_bench.py - the baseline for bench/audit-throughput.sh.

Usage: /usr/bin/python3 email_validator_bench.py FILE [LIMIT]

Reads FILE (one address a line, UTF-8), keeps the first LIMIT lines (all
when LIMIT is absent, 0 or "all"), and times Debian's python3-email-validator
on them: validate_email(addr, check_deliverability=False) per line, the
syntax and normalization check without DNS, which is the part liveaddr's
addr_parse() replaces.  Reading the file is not timed.

Prints one line: "email_validator lines=N valid=V invalid=I seconds=S rate=R"
(R in addresses per second).  Run it with /usr/bin/python3: Debian's
package installs the module there, not in a pyenv interpreter.
"""

import sys
import time

try:
    from email_validator import validate_email, EmailNotValidError
except ImportError:
    sys.exit("email_validator_bench: python3-email-validator is not installed "
             "for %s (try /usr/bin/python3)" % sys.executable)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    limit = sys.argv[2] if len(sys.argv) > 2 else "all"
    limit = 0 if limit in ("all", "0") else int(limit)
    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as fp:
        lines = fp.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if limit:
        lines = lines[:limit]
    valid = invalid = 0
    start = time.perf_counter()
    for addr in lines:
        try:
            validate_email(addr, check_deliverability=False)
            valid += 1
        except EmailNotValidError:
            invalid += 1
        except (UnicodeError, ValueError):
            invalid += 1      # surrogate-escaped bytes; not expected here
    seconds = time.perf_counter() - start
    print("email_validator lines=%d valid=%d invalid=%d seconds=%.3f rate=%.0f"
          % (len(lines), valid, invalid, seconds, len(lines) / seconds if seconds else 0))


if __name__ == "__main__":
    main()
