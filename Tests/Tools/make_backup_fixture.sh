#!/usr/bin/env bash
# Makes the fixture Tests/Fixtures/backup-<commit>/ with a given `lienthong` binary: a small demo office driven on a
# faked clock, backed up with its keys (`backup create --include-keys`), the completed backup folder packed as
# backup.tar.gz beside the passphrase it was sealed under (test-only) and expected.json (what the backup holds).
# Tests/EndToEndTests/BackupFixtureTests.swift restores it with every later build: a backup made by an older release
# must always restore into a newer one.
#
#   Tests/Tools/make_backup_fixture.sh /path/to/lienthong [OUT_DIR] [COMMIT]
#
# Every `lienthong` runs under libfaketime on a clock that starts at 2026-12-04 09:00:00 Asia/Ho_Chi_Minh (a
# Friday, in working hours) and runs on; the test runs the restored office on a clock an hour later.
# Needs: libfaketime (Debian: faketime), python3, tar, gzip.
set -euo pipefail

BIN=$(realpath "${1:?usage: make_backup_fixture.sh LIENTHONG [OUT_DIR] [COMMIT]}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COMMIT=${3:-$(git -C "$ROOT" rev-parse --short HEAD)}
OUT=${2:-$ROOT/Tests/Fixtures/backup-$COMMIT}
WORK=/tmp/lienthong-backup-fixture
SPOOL=$WORK/Spool
ZONE=Asia/Ho_Chi_Minh
LIFE_START='2026-12-04 09:00:00'
LIBFAKETIME=${LIBFAKETIME:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
[ -r "$LIBFAKETIME" ] || { echo "libfaketime not found at $LIBFAKETIME (apt-get install faketime)" >&2; exit 1; }

target=$(TZ=$ZONE date -d "$LIFE_START" +%s)
OFFSET=$((target - $(date +%s)))
[ "$OFFSET" -ge 0 ] && OFFSET="+$OFFSET"
# As in make_prechange_fixture.sh: an offset, and a shared-state name that does not exist (keeps Swift's arguments).
lt() {
    env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$OFFSET" FAKETIME_SHARED="/lienthong-none /lienthong-none" \
        FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=$ZONE LC_ALL=C.UTF-8 "$BIN" "$@"
}

rm -rf "$WORK" && mkdir -p "$WORK/backups"
lt init --spool "$SPOOL" --demo > /dev/null
cat > "$SPOOL/office.yaml" <<'YAML'
# LienThong office settings (the backup fixture).
watch: { mode: poll, pollInterval: 100ms, settle: 0ms }
calendar:
  timeZone: Asia/Ho_Chi_Minh
  workingDays: [mon, tue, wed, thu, fri]
  workingHours: ["07:30-11:30", "13:30-17:00"]
outage: { threshold: 4h, fallbackDir: fallback, retry: { initial: 200ms, max: 1s } }
archive: { format: tar }
YAML
P0=000.00.00.H53 P1=000.00.01.H53 P2=000.00.02.H53
drop() {  # drop FROM NAME NUMBER SUBJECT SECRECY TO…
    local from=$1 name=$2 number=$3 subject=$4 secrecy=$5
    shift 5
    local to="" code
    for code in "$@"; do to="$to${to:+, }\"$code\""; done
    printf '%%PDF-1.4\n%% %s\n%%%%EOF\n' "$subject" > "$SPOOL/agencies/$from/outbox/$name.pdf"
    {
        printf '{ "codeNumber": "%s", "codeNotation": "UBND-VP", "issuedDate": "2026-12-04", "typeName": "Công văn",\n' "$number"
        printf '  "subject": "%s", "to": [%s], "priority": "thuong"' "$subject" "$to"
        [ "$secrecy" = "-" ] || printf ', "secrecy": "%s"' "$secrecy"
        printf ', "signerInfo": { "position": "Chánh Văn phòng", "fullName": "Nguyễn Văn An" } }\n'
    } > "$SPOOL/agencies/$from/outbox/$name.json"
}
drop $P0 cv1 101 "Về việc sao lưu dữ liệu văn bản điện tử" - $P1 $P2
drop $P0 cv2 102 "Về việc diễn tập phục hồi hệ thống" - $P1
drop $P1 cv3 201 "Báo cáo tình hình tiếp nhận văn bản đến" - $P0
drop $P0 cv4 103 "Về công tác bảo vệ bí mật nhà nước" mat $P2
lt watch --spool "$SPOOL" --once > "$WORK/once.log" 2>&1
printf 'mat-khau-fixture-sao-luu\n' > "$WORK/passphrase.txt"
chmod 600 "$WORK/passphrase.txt"
lt backup create --to "$WORK/backups" --include-keys --passphrase-file "$WORK/passphrase.txt" --spool "$SPOOL" \
    --reason "fixture" > "$WORK/backup.log"
NAME=$(lt backup list "$WORK/backups" | awk '{print $1}')
[ -n "$NAME" ] || { cat "$WORK/backup.log"; echo "no backup made" >&2; exit 1; }

mkdir -p "$OUT"
tar -C "$WORK/backups" -czf "$OUT/backup.tar.gz" "$NAME"
cp "$WORK/passphrase.txt" "$OUT/passphrase.txt"
python3 - "$WORK/backups/$NAME" "$OUT/expected.json" "$COMMIT" "$NAME" <<'PY'
import json, sys
backup, out, commit, name = sys.argv[1:5]
records = [json.loads(line) for line in open(backup + "/state/journal.jsonl", encoding="utf-8")]
packed = sorted(r["packetId"] for r in records if r["event"] == "packed")
version = json.load(open(backup + "/version.json", encoding="utf-8"))
json.dump({"commit": commit, "backup": name, "packets": packed, "journalSequence": version["journal"]["sequence"],
           "indexSchema": version["indexSchema"], "program": version["program"],
           "moment": "2026-12-04 10:00:00 Asia/Ho_Chi_Minh"}, open(out, "w", encoding="utf-8"), indent=2)
PY
echo "made $OUT ($NAME, $(du -sh "$OUT" | cut -f1))"
