#!/usr/bin/env bash
# The Debian package as an admin would get it: `./dev package`, then only the files the .deb holds, unpacked
# into an empty root, must run the office (no Swift, no repository, no templates folder), lintian must find no
# error, and systemd must accept both units. Run by `./dev test` after `swift test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
quiet() { "$@" >/dev/null; }

started=$(date +%s)
rm -f dist/lienthong_*.deb
./dev package
echo "package: ./dev package took $(($(date +%s) - started)) s"
deb=$(ls dist/lienthong_*_"$(dpkg --print-architecture)".deb)
version=$(dpkg-deb -f "$deb" Version)

work=$(mktemp -d /tmp/lienthong-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root"
bin="$work/root/usr/bin/lienthong"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/lienthong ./lib/systemd/system/lienthong.service ./lib/systemd/system/lienthong-web.service \
    ./usr/share/doc/lienthong/copyright ./usr/share/doc/lienthong/changelog.Debian.gz ./usr/share/man/man1/lienthong.1.gz; do
    check "the package holds $path" grep -qx -- "$path" <<<"$contents"
done
check "files are owned by root" test -z "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')"
depends=$(dpkg-deb -f "$deb" Depends)
echo "package: Depends: $depends"
for library in libc6 libssl3 libarchive13 libsqlite3-0 libsystemd0 adduser; do
    check "Depends names $library" grep -q "\\b$library\\b" <<<"$depends"
done
# The Swift runtime is linked in: nothing it needs is missing, and no libswift*.so is asked for.
linked=$(ldd "$bin")
check "every shared library is found (ldd)" test -z "$(grep 'not found' <<<"$linked" || true)"
check "no Swift shared library is needed" test -z "$(grep -i 'swift\|Foundation\|dispatch' <<<"$linked" || true)"

# Run from an empty folder, with nothing of the repository or the environment pointing at it.
mkdir "$work/cwd"
cd "$work/cwd"
run() { env -u LIENTHONG_TEMPLATES -u LIENTHONG_SPOOL "$bin" "$@"; }
# In the background: the program itself (exec), so that $! is its pid and a signal sent to it reaches it.
start() { (exec env -u LIENTHONG_TEMPLATES -u LIENTHONG_SPOOL "$bin" "$@") & }
check "lienthong --version prints the package's upstream version" test "$(run --version)" = "${version%-*}"
spool="$work/spool"
check "init --demo makes a spool" quiet run init --demo --spool "$spool"
outbox="$spool/agencies/000.00.00.H53/outbox"
printf '%%PDF-1.4\n%% Văn bản mẫu\n%%%%EOF\n' > "$outbox/Quyết định 125.pdf"
cat > "$outbox/Quyết định 125.json" <<JSON
{
  "codeNumber": "125",
  "codeNotation": "QĐ-UBND",
  "issuedDate": "$(TZ=Asia/Ho_Chi_Minh date +%F)",
  "typeName": "Quyết định",
  "subject": "Về việc thử gói cài đặt",
  "signerInfo": { "competence": "TM.", "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
  "to": ["000.00.01.H53"]
}
JSON
if run watch --once --spool "$spool" 2> "$work/watch.log"; then
    pass "watch --once runs"
else
    sed 's/^/watch: /' "$work/watch.log"
    fail "watch --once runs"
fi
check "no template is missing (they are built into the binary)" test -z "$(grep -i 'template' "$work/watch.log" || true)"
check "the packet is archived" test -n "$(find "$spool/archive" -name '*.tar' -print -quit)"
check "the packet is in the recipient's inbox" test -n "$(find "$spool/agencies/000.00.01.H53/inbox" -mindepth 1 -maxdepth 1 -not -name '.*' -print -quit)"
check "the outbox is empty again" test -z "$(find "$outbox" -mindepth 1 -maxdepth 1 -not -name '.*' -print -quit)"
check "the journal verifies" quiet run journal verify --spool "$spool"
register=$(run register incoming --agency 000.00.01.H53 --format html --spool "$spool" 2>&1 || true)
check "register --format html prints the table" grep -q '<table' <<<"$register"
check "the register lists the document" grep -q '125/QĐ-UBND' <<<"$register"
check "templates list names only built-in templates" test -z "$(run templates list --spool "$spool" | grep -v 'built-in:' || true)"

# The web UI's login page, from the built-in templates.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start serve --spool "$spool" --listen "127.0.0.1:$port" > "$work/serve.log" 2>&1
serve=$!
login=""
for _ in $(seq 1 100); do
    login=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
        "http://127.0.0.1:$port/login" 2>/dev/null) && break
    sleep 0.2
done
kill "$serve" 2>/dev/null || true
wait "$serve" 2>/dev/null || true
check "serve renders the login page" grep -q '<h1>Đăng nhập</h1>' <<<"$login"

# An outage (24/7 calendar, 3-second threshold, a recipient's share not mounted): the incident report and the
# printable hand-over log are written (Decision 17/2019 Art 8.1).
cat > "$spool/office.yaml" <<YAML
watch: { mode: poll, pollInterval: 100ms, settle: 100ms, rescanInterval: 2s }
calendar: { timeZone: Asia/Ho_Chi_Minh, workingDays: [mon, tue, wed, thu, fri, sat, sun], workingHours: ["00:00-24:00"] }
outage: { threshold: 3s, fallbackDir: fallback, retry: { initial: 200ms, max: 1s } }
YAML
printf 'inbox: %s\n' "$work/not-mounted/inbox" >> "$spool/agencies/000.00.02.H53/agency.yaml"
printf '%%PDF-1.4\n%% Văn bản thứ hai\n%%%%EOF\n' > "$outbox/Công văn 126.pdf"
cat > "$outbox/Công văn 126.json" <<JSON
{
  "codeNumber": "126",
  "codeNotation": "UBND-VP",
  "issuedDate": "$(TZ=Asia/Ho_Chi_Minh date +%F)",
  "typeName": "Công văn",
  "subject": "Về việc thử sự cố",
  "to": ["000.00.02.H53"]
}
JSON
start watch --spool "$spool" > "$work/outage.log" 2>&1
daemon=$!
for _ in $(seq 1 150); do
    [ -n "$(find "$spool/fallback" -name 'Biên bản sự cố *.html' -print -quit 2>/dev/null)" ] && break
    sleep 0.2
done
kill -TERM "$daemon" 2>/dev/null || true
wait "$daemon" 2>/dev/null || true
check "an outage writes the incident report" test -n "$(find "$spool/fallback" -name 'Biên bản sự cố *.html' -print -quit)"
check "an outage writes the printable hand-over log" test -f "$spool/fallback/Sổ chuyển giao văn bản giấy.html"
check "no page template was missing in the outage" test -z "$(grep -i 'template unavailable' "$work/outage.log" || true)"
cd "$ROOT"

# lintian: no error. Warnings and notes are printed for whoever reads the log.
# The package's own overrides (packaging/debian/lintian-overrides) say why each overridden tag does not apply.
lintian --display-level '>=warning' --show-overrides "$deb" > "$work/lintian.log" 2>&1 || true
sed 's/^/lintian: /' "$work/lintian.log"
check "lintian reports no error" test -z "$(grep '^E:' "$work/lintian.log" || true)"

# systemd-analyze verify works on unit files without systemd as PID 1. It checks that ExecStart= is executable:
# the package is not installed here, so each unit is verified as a copy naming the unpacked binary instead (the
# only change); MANPATH lets it find the packaged man page that Documentation= names.
if command -v systemd-analyze >/dev/null && systemd-analyze --version >/dev/null 2>&1; then
    mkdir "$work/units"
    for unit in lienthong.service lienthong-web.service; do
        sed "s#/usr/bin/lienthong#$bin#g" "$work/root/lib/systemd/system/$unit" > "$work/units/$unit"
        if output=$(MANPATH="$work/root/usr/share/man" systemd-analyze verify "$work/units/$unit" 2>&1) && [ -z "$output" ]; then
            pass "systemd-analyze verify $unit"
        else
            printf '%s\n' "$output"
            fail "systemd-analyze verify $unit"
        fi
        systemd-analyze security --offline=yes "$work/units/$unit" 2>/dev/null | tail -1 | sed 's/^/package: /' || true
    done
else
    echo "SKIP systemd-analyze verify: systemd-analyze is not installed or cannot run here"
fi

echo "package checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
