#!/usr/bin/env bash
# Makes the fixture Tests/Fixtures/prechange-<commit>/ with a given `lienthong` binary (the release before a change):
# a small demo spool driven through a realistic life on a faked clock, then the answers that binary gives to the
# queries a user makes. Tests/EndToEndTests/PrechangeFixtureTests.swift replays the same queries with the new build.
#
#   Tests/Tools/make_prechange_fixture.sh /work/prechange/lienthong [OUT_DIR] [COMMIT]
#
# OUT_DIR defaults to Tests/Fixtures/prechange-<COMMIT>; COMMIT to the short hash of HEAD (say which commit the binary
# was built from when it is not HEAD's). The spool is made in the fixed folder /tmp/lienthong-fixture/Spool (removed
# first) so that the paths inside the answers are always the same; they are written with @SPOOL@ in its place.
#
# The clock: every `lienthong` runs under libfaketime with an offset computed once, so the office's clock starts at
# 2026-11-16 09:00:00 Asia/Ho_Chi_Minh (Monday, working hours) when the script starts and runs on from there across
# processes (an absolute FAKETIME="@…" would restart it at each process and make the journal's times go backwards).
# The queries are answered on a second such clock that starts at 2026-11-16 10:00:00 — the moment the test replays
# them at. The monotonic clock stays real (FAKETIME_DONT_FAKE_MONOTONIC=1), so waits keep their length.
#
# Needs: libfaketime (Debian: faketime), python3 (standard library only), tar, gzip.
set -euo pipefail

BIN=$(realpath "${1:?usage: make_prechange_fixture.sh LIENTHONG [OUT_DIR] [COMMIT]}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COMMIT=${3:-$(git -C "$ROOT" rev-parse --short HEAD)}
OUT=${2:-$ROOT/Tests/Fixtures/prechange-$COMMIT}
WORK=/tmp/lienthong-fixture
SPOOL=$WORK/Spool
ZONE=Asia/Ho_Chi_Minh
LIFE_START='2026-11-16 09:00:00'
QUERY_MOMENT='2026-11-16 10:00:00'
LIBFAKETIME=${LIBFAKETIME:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
[ -r "$LIBFAKETIME" ] || { echo "libfaketime not found at $LIBFAKETIME (apt-get install faketime)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "not an executable: $BIN" >&2; exit 1; }

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The offset (seconds) that moves the real clock to a local moment in the office's zone, now.
offset_to() {
    local target offset
    target=$(TZ=$ZONE date -d "$1" +%s)
    offset=$((target - $(date +%s)))
    [ "$offset" -ge 0 ] && offset="+$offset"
    printf '%s' "$offset"
}
FAKETIME_OFFSET=$(offset_to "$LIFE_START")
# libfaketime 0.9.10 preloaded on its own (without the FAKETIME_SHARED the `faketime` wrapper sets up) loses a Swift
# program's command-line arguments; a shared-state name that does not exist keeps them (offsets need no shared state).
# The wrapper itself is not used: it does not pass signals on, and the daemon here is killed and stopped by signal.
faked() {
    env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$FAKETIME_OFFSET" FAKETIME_SHARED="/lienthong-none /lienthong-none" \
        FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=$ZONE LC_ALL=C.UTF-8 LIENTHONG_LOG_LEVEL=info "$@"
}
lt() { faked "$BIN" "$@"; }
# The daemon in the background, as `$daemon`: the process itself (env execs it), so that signals reach it.
start_daemon() {
    env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$FAKETIME_OFFSET" FAKETIME_SHARED="/lienthong-none /lienthong-none" \
        FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=$ZONE LC_ALL=C.UTF-8 LIENTHONG_LOG_LEVEL=info \
        "$BIN" watch --spool "$SPOOL" > "$1" 2>&1 &
    daemon=$!
}
fail() { echo "make_prechange_fixture: $*" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
LOGS=$WORK/logs
mkdir -p "$LOGS"
say "spool $SPOOL, clock from $LIFE_START $ZONE (faketime $FAKETIME_OFFSET s), binary $BIN"
lt init --spool "$SPOOL" --demo > "$LOGS/init.log" 2>&1 || { cat "$LOGS/init.log"; fail "init --demo failed"; }

# The office's settings: the default calendar (Mon–Fri, 07:30–11:30 and 13:30–17:00), quick settling and retries.
cat > "$SPOOL/office.yaml" <<'YAML'
# LienThong office settings (the pre-change fixture: quick settle and retries).
watch:
  mode: inotify
  pollInterval: 100ms
  settle: 200ms
  rescanInterval: 2s
  sidecarWait: 30m
calendar:
  timeZone: Asia/Ho_Chi_Minh
  workingDays: [mon, tue, wed, thu, fri]
  workingHours: ["07:30-11:30", "13:30-17:00"]
  holidays: ["2026-01-01", "2026-09-02"]
outage:
  threshold: 4h
  fallbackDir: fallback
  retry: { initial: 200ms, max: 1s }
archive:
  format: tar
YAML

P0=000.00.00.H53   # Ủy ban nhân dân tỉnh Thái Bình
P1=000.00.01.H53   # Văn phòng Ủy ban nhân dân tỉnh Thái Bình
P2=000.00.02.H53   # Sở Nội vụ tỉnh Thái Bình
P3=000.00.03.H53   # Ủy ban nhân dân huyện Đông Hưng
outbox() { printf '%s' "$SPOOL/agencies/$1/outbox"; }

# A small PDF-looking document that ends with %%EOF (so it is never held as incomplete).
pdf() {
    {
        printf '%%PDF-1.4\n%% %s\n' "$2"
        for line in 1 2 3 4 5 6 7 8; do printf '%s — dòng %d của văn bản\n' "$2" "$line"; done
        printf '%%%%EOF\n'
    } > "$1"
}
# A tiny DOCX (a ZIP with its end-of-central-directory record), the same bytes on every run.
docx() {
    python3 - "$1" "$2" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in [("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
                       ("word/document.xml", '<?xml version="1.0"?><w:document><w:t>%s</w:t></w:document>' % sys.argv[2])]:
        info = zipfile.ZipInfo(name, date_time=(2026, 11, 13, 8, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text)
PY
}
# sidecar FILE NUMBER NOTATION TYPE ISSUED SUBJECT PRIORITY SECRECY TO…   (SECRECY "-" for none)
sidecar() {
    local file=$1 number=$2 notation=$3 type=$4 issued=$5 subject=$6 priority=$7 secrecy=$8
    shift 8
    local to="" code
    for code in "$@"; do to="$to${to:+, }\"$code\""; done
    {
        printf '{\n  "codeNumber": "%s",\n  "codeNotation": "%s",\n  "issuedDate": "%s",\n' "$number" "$notation" "$issued"
        printf '  "typeName": "%s",\n  "subject": "%s",\n' "$type" "$subject"
        printf '  "signerInfo": { "competence": "KT.", "position": "Phó Chủ tịch", "fullName": "Trần Văn Bình" },\n'
        printf '  "to": [%s],\n  "priority": "%s"' "$to" "$priority"
        [ "$secrecy" = "-" ] || printf ',\n  "secrecy": "%s"' "$secrecy"
        printf ',\n  "pageAmount": 2\n}\n'
    } > "$file"
}
once() {
    local name=$1
    lt watch --spool "$SPOOL" --once > "$LOGS/$name.log" 2>&1 || { cat "$LOGS/$name.log"; fail "watch --once ($name) failed"; }
}
count_records() { grep -cE "\"event\": ?\"$1\"" "$SPOOL/state/journal.jsonl" || true; }

say "1. the first morning's drops (a folder drop with an annex, a late one, a secret one, a hỏa tốc one, a bad sidecar)"
mkdir "$(outbox $P0)/.Quyết định 125"
pdf "$(outbox $P0)/.Quyết định 125/Quyết định 125.pdf" "Quyết định 125/QĐ-UBND về quy chế quản lý văn bản điện tử"
docx "$(outbox $P0)/.Quyết định 125/Phụ lục kinh phí.docx" "Phụ lục kinh phí thực hiện"
sidecar "$(outbox $P0)/.Quyết định 125/metadata.json" 125 QĐ-UBND "Quyết định" 2026-11-13 \
    "Về việc ban hành quy chế quản lý văn bản điện tử" khan - $P1 $P2
mv "$(outbox $P0)/.Quyết định 125" "$(outbox $P0)/Quyết định 125"   # a folder appears whole, as a copy's rename would
pdf "$(outbox $P2)/Công văn 45.pdf" "Công văn 45/SNV-VP"
sidecar "$(outbox $P2)/Công văn 45.json" 45 SNV-VP "Công văn" 2026-11-11 \
    "Về việc tuyển dụng công chức cấp xã huyện Đông Hưng năm 2026" thuong - $P0
pdf "$(outbox $P1)/Báo cáo 12.pdf" "Báo cáo 12/BC-VP (mật)"
sidecar "$(outbox $P1)/Báo cáo 12.json" 12 BC-VP "Báo cáo" 2026-11-16 \
    "Báo cáo tình hình bảo vệ bí mật nhà nước quý IV" thuong mat $P2
pdf "$(outbox $P0)/Công văn 130.pdf" "Công văn 130/UBND-VP hỏa tốc"
sidecar "$(outbox $P0)/Công văn 130.json" 130 UBND-VP "Công văn" 2026-11-16 \
    "Về việc ứng phó khẩn cấp với bão số 9" hoa-toc - $P3
pdf "$(outbox $P3)/Tờ trình 7.pdf" "Tờ trình 7/TTr-UBND"
printf '{\n  "codeNumber": "7",\n  "codeNotation": "TTr-UBND",\n}\n' > "$(outbox $P3)/Tờ trình 7.json"
once batch-1
once batch-1b

say "2. a packet file made elsewhere (Đông Hưng's own office) placed into the Văn phòng's inbox"
mkdir -p "$WORK/outside"
pdf "$WORK/outside/Quyết định 88.pdf" "Quyết định 88/QĐ-UBND huyện Đông Hưng"
sidecar "$WORK/outside/qd88.json" 88 QĐ-UBND "Quyết định" 2026-11-16 \
    "Về việc thành lập Ban chỉ đạo chuyển đổi số huyện Đông Hưng" thuong - $P1
lt pack "$WORK/outside/Quyết định 88.pdf" --metadata "$WORK/outside/qd88.json" --from $P3 \
    --key "$SPOOL/state/keys/$P3.pem" --cert "$SPOOL/agencies/$P3/certificate.pem" -o "$WORK/outside/qd88.tar" \
    > "$LOGS/pack.log" 2>&1 || { cat "$LOGS/pack.log"; fail "pack failed"; }
cp "$WORK/outside/qd88.tar" "$SPOOL/agencies/$P1/inbox/QĐ 88 Đông Hưng.tar"
once arrival-1
once arrival-2

say "3. an outage: the Sở Nội vụ's inbox moves to a share that is not mounted yet"
printf 'inbox: shares/snv-inbox\n' >> "$SPOOL/agencies/$P2/agency.yaml"
pdf "$(outbox $P0)/Công văn 131.pdf" "Công văn 131/UBND-VP hỏa tốc"
sidecar "$(outbox $P0)/Công văn 131.json" 131 UBND-VP "Công văn" 2026-11-16 \
    "Về việc triển khai phương án sơ tán dân cư" hoa-toc - $P2
pdf "$(outbox $P1)/Thông báo 20.pdf" "Thông báo 20/TB-VP"
sidecar "$(outbox $P1)/Thông báo 20.json" 20 TB-VP "Thông báo" 2026-11-16 \
    "Thông báo kết luận của Chủ tịch Ủy ban nhân dân tỉnh" thuong - $P2 $P3
once outage-1
lt fallback status --json --spool "$SPOOL" > "$LOGS/fallback-during.json" 2>&1 || true
[ -d "$SPOOL/shares/snv-inbox" ] && fail "the share was created by the office"
mkdir -p "$SPOOL/shares/snv-inbox"
sleep 1.2
once outage-2
once outage-3
[ "$(find "$SPOOL/shares/snv-inbox" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)" -eq 2 ] \
    || fail "the share did not get both waiting packets: $(ls -A "$SPOOL/shares/snv-inbox")"

say "4. the daemon, killed with SIGKILL in the middle of a batch, then restarted"
start_daemon "$LOGS/daemon-1.log"
sleep 1.5   # started: journal, index and trust store open
agencies=($P0 $P1 $P2 $P3)
notations=(UBND-VP VP-TH SNV-CCVC UBND-VP)
for i in $(seq 0 15); do
    s=$((i % 4))
    sender=${agencies[$s]}
    number=$((300 + i))
    name="Công văn $number"
    pdf "$(outbox "$sender")/$name.pdf" "$name/${notations[$s]}"
    priority=thuong
    [ $((i % 5)) -eq 3 ] && priority=khan
    sidecar "$(outbox "$sender")/$name.json" "$number" "${notations[$s]}" "Công văn" 2026-11-16 \
        "Về việc báo cáo công tác cải cách hành chính đợt $((i + 1))" "$priority" - \
        "${agencies[$(((s + 1) % 4))]}" "${agencies[$(((s + 2) % 4))]}"
done
# The same number and notation again in the same year: returned to the clerk.
pdf "$(outbox $P0)/Quyết định 125 bản 2.pdf" "Quyết định 125/QĐ-UBND (trùng số)"
sidecar "$(outbox $P0)/Quyết định 125 bản 2.json" 125 QĐ-UBND "Quyết định" 2026-11-16 \
    "Về việc ban hành quy chế quản lý văn bản điện tử (bản sửa)" thuong - $P3
killed=""
for _ in $(seq 1 600); do
    if find "$SPOOL"/agencies/*/outbox/.lienthong/claimed -mindepth 1 -maxdepth 1 2>/dev/null | grep -q . \
        && [ "$(count_records packed)" -ge 7 ]; then
        kill -KILL "$daemon"
        killed=yes
        break
    fi
    sleep 0.01
done
wait "$daemon" || true
[ -n "$killed" ] || fail "the daemon finished before it could be killed mid-batch"
claimed=$(find "$SPOOL"/agencies/*/outbox/.lienthong/claimed -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
say "   killed with $claimed claim(s) in hand and $(count_records packed) packet(s) made"
start_daemon "$LOGS/daemon-2.log"
for _ in $(seq 1 300); do
    left=$(find "$SPOOL"/agencies/*/outbox -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
    busy=$(find "$SPOOL"/agencies/*/outbox/.lienthong/claimed -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    [ "$left" -eq 0 ] && [ "$busy" -eq 0 ] && [ "$(count_records completed)" -ge 22 ] && break
    sleep 0.1
done
sleep 0.5
kill -TERM "$daemon"
wait "$daemon" || fail "the daemon did not stop cleanly after SIGTERM: $(tail -20 "$LOGS/daemon-2.log")"
grep -q "recovering an unfinished claim" "$LOGS/daemon-2.log" || say "   (note: the restart found no unfinished claim to recover)"
once final

say "checking the spool before it is packed up"
lt journal verify --spool "$SPOOL" || fail "journal does not verify"
[ "$(find "$SPOOL"/agencies/*/outbox -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)" -eq 0 ] || fail "drops left in an outbox"
[ -e "$SPOOL/agencies/$P3/rejected/Tờ trình 7.json.reason.txt" ] || ls "$SPOOL/agencies/$P3/rejected" >&2
packed=$(count_records packed); completed=$(count_records completed); registered=$(count_records registered)
say "   $packed packets, $completed completed, $registered registered arrivals, $(wc -l < "$SPOOL/state/journal.jsonl") journal records"
[ "$packed" -eq 22 ] && [ "$completed" -eq 22 ] || fail "expected 22 packets sent and completed, got $packed / $completed"

mkdir -p "$OUT/expected"
rm -f "$OUT"/expected/*
# The whole spool as the old release left it: no temporary work folders (empty), no logs.
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$WORK" -czf "$OUT/spool.tar.gz" Spool

say "the old release's answers, on a clock from $QUERY_MOMENT"
FAKETIME_OFFSET=$(offset_to "$QUERY_MOMENT")
ids() { # the packet ids of the packed records whose numberAndNotation is $1, in journal order
    python3 - "$SPOOL/archive" "$1" <<'PY'
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*/*/*.json")):
    m = json.loads(path.read_text(encoding="utf-8"))
    if f'{m["codeNumber"]}/{m["codeNotation"]}' == sys.argv[2]:
        print(m["packetId"])
PY
}
QD125=$(ids 125/QĐ-UBND); BC12=$(ids 12/BC-VP); QD88=$(ids 88/QĐ-UBND); CV131=$(ids 131/UBND-VP); CV300=$(ids 300/UBND-VP)
for id in "$QD125" "$BC12" "$QD88" "$CV131" "$CV300"; do [ -n "$id" ] || fail "a packet to show was not found"; done

# The queries: NAME then the arguments, one per line, in the order they are run (some append to the journal:
# `archive show` of a secret document an `accessed` record, `archive verify` its `verified` ones — so it comes last).
QUERIES=$WORK/queries.tsv
{
    printf 'journal-verify\tjournal\tverify\n'
    printf 'index-rebuild\tindex\trebuild\n'
    printf 'search-quyet-dinh\tarchive\tsearch\tquyet\tdinh\t--json\n'
    printf 'search-quyet-dinh-text\tarchive\tsearch\tquyet\tdinh\n'
    printf 'search-cong-van\tarchive\tsearch\tcong van\t--json\n'
    printf 'search-dong-hung\tarchive\tsearch\tdong\thung\t--json\n'
    printf 'search-phrase\tarchive\tsearch\t"cai cach hanh chinh"\t--limit\t5\t--json\n'
    printf 'search-page-2\tarchive\tsearch\tcai\tcach\t--limit\t5\t--offset\t5\t--json\n'
    printf 'search-bi-mat\tarchive\tsearch\tbi mat\t--json\n'
    printf 'search-secrecy-mat\tarchive\tsearch\t--secrecy\tmat\t--json\n'
    printf 'search-secrecy-none-to-p2\tarchive\tsearch\t--secrecy\tnone\t--recipient\t%s\t--json\n' $P2
    printf 'search-hoa-toc\tarchive\tsearch\t--priority\thoa-toc\t--json\n'
    printf 'search-sender-noi-vu\tarchive\tsearch\t--sender\tnoi vu\t--json\n'
    printf 'search-type-thong-bao\tarchive\tsearch\t--type\tthong bao\t--json\n'
    printf 'search-number-125\tarchive\tsearch\t--number\t125/qđ-ubnd\t--json\n'
    printf 'search-dates\tarchive\tsearch\t--from\t2026-11-11\t--to\t2026-11-13\t--json\n'
    printf 'search-none\tarchive\tsearch\tkhong\tco\tgi\tca\t--json\n'
    printf 'show-qd125\tarchive\tshow\t%s\t--json\n' "$QD125"
    printf 'show-qd125-text\tarchive\tshow\t%s\n' "$QD125"
    printf 'show-bc12-secret\tarchive\tshow\t%s\t--json\n' "$BC12"
    printf 'show-qd88-outside\tarchive\tshow\t%s\t--json\n' "$QD88"
    printf 'show-cv131-outage\tarchive\tshow\t%s\t--json\n' "$CV131"
    printf 'show-cv300-crash\tarchive\tshow\t%s\t--json\n' "$CV300"
    printf 'register-incoming-p1-csv\tregister\tincoming\t--agency\t%s\t--year\t2026\t--format\tcsv\n' $P1
    printf 'register-incoming-p0-csv\tregister\tincoming\t--agency\t%s\t--year\t2026\t--format\tcsv\n' $P0
    printf 'register-incoming-p2-secret-csv\tregister\tincoming\t--agency\t%s\t--year\t2026\t--secret\t--format\tcsv\n' $P2
    printf 'register-outgoing-p0-csv\tregister\toutgoing\t--agency\t%s\t--year\t2026\t--format\tcsv\n' $P0
    printf 'register-outgoing-p2-csv\tregister\toutgoing\t--agency\t%s\t--year\t2026\t--format\tcsv\n' $P2
    printf 'register-outgoing-p1-secret-csv\tregister\toutgoing\t--agency\t%s\t--year\t2026\t--secret\t--format\tcsv\n' $P1
    printf 'register-incoming-p3-html\tregister\tincoming\t--agency\t%s\t--year\t2026\t--format\thtml\n' $P3
    printf 'fallback-status\tfallback\tstatus\t--json\n'
    printf 'archive-verify-all\tarchive\tverify\t--all\t--json\n'
} > "$QUERIES"
# Quotes in the file are the user's own: `"cai cach hanh chinh"` is one argument with its quotes (a phrase).

# Each query's standard output, with the spool's path as @SPOOL@, and its exit status; manifest.json lists them.
faked python3 - "$BIN" "$SPOOL" "$QUERIES" "$OUT/expected" <<'PY'
import json, os, subprocess, sys
binary, spool, queries, expected = sys.argv[1:]
manifest = []
for line in open(queries, encoding="utf-8").read().splitlines():
    name, *arguments = line.split("\t")
    result = subprocess.run([binary, *arguments, "--spool", spool], capture_output=True)
    stdout = result.stdout.decode("utf-8").replace(spool, "@SPOOL@")
    extension = "json" if "--json" in arguments else ("html" if "html" in arguments else ("csv" if "csv" in arguments else "txt"))
    file = f"{name}.{extension}"
    with open(os.path.join(expected, file), "w", encoding="utf-8", newline="") as f:
        f.write(stdout)
    manifest.append({"name": name, "arguments": arguments, "status": result.returncode, "stdout": file})
    if result.returncode != 0:
        print(f"{name}: exit {result.returncode}\n{result.stderr.decode('utf-8', 'replace')}", file=sys.stderr)
with open(os.path.join(expected, "manifest.json"), "w", encoding="utf-8") as f:
    json.dump(manifest, f, ensure_ascii=False, indent=1)
    f.write("\n")
PY

# What the test checks the new daemon against: the highest arrival number per agency, series and year, and the
# numbers each sender has used, from the old release's journal.
python3 - "$SPOOL/state/journal.jsonl" "$SPOOL/archive" > "$OUT/expected/numbers.json" <<'PY'
import json, pathlib, sys
arrivals = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event") == "registered":
        key = f'{r["recipient"]} {r.get("series")} {r.get("year")}'
        arrivals.setdefault(key, []).append(r["number"])
used = {}
for path in sorted(pathlib.Path(sys.argv[2]).glob("*/*/*.json")):
    m = json.loads(path.read_text(encoding="utf-8"))
    used.setdefault(m["from"]["organId"], []).append(f'{m["codeNumber"]}/{m["codeNotation"]}')
print(json.dumps({"arrivals": {k: sorted(v) for k, v in sorted(arrivals.items())},
                  "numbersUsed": {k: sorted(v) for k, v in sorted(used.items())}}, ensure_ascii=False, indent=1))
PY
cp "$LOGS/fallback-during.json" "$OUT/expected/fallback-during-outage.json"
sed -i "s#$SPOOL#@SPOOL@#g" "$OUT/expected/fallback-during-outage.json"
say "fixture in $OUT: $(du -sh "$OUT" | cut -f1) ($(du -h "$OUT/spool.tar.gz" | cut -f1) spool), logs in $LOGS"
