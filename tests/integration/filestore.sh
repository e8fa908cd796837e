#!/usr/bin/env bash
# kgenius migrate filestore on a real directory of 10,000 files laid out like
# an Odoo filestore: a local copy, a "remote" side behind a command that
# gives a shell, the no-change second pass, corruption injected on either
# side (a flipped byte, a truncated file, a missing file), a copy killed
# mid-way that resumes, modes, --delete.
. "$(dirname "$0")/lib.sh"

O=$WORK/out
E=$WORK/err
SRC=$WORK/src
python3 - "$SRC" <<'PY'
import hashlib, os, random, sys
root = os.path.join(sys.argv[1], "filestore", "odoo")
random.seed(11)
for i in range(10000):
    # mostly small attachments, some images, a few large PDFs
    size = random.choice([random.randint(0, 4096)] * 6 + [random.randint(4096, 200000)] * 3 + [random.randint(200000, 3000000)])
    data = random.randbytes(size)
    sha = hashlib.sha1(data).hexdigest()
    d = os.path.join(root, sha[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, sha), "wb") as f:
        f.write(data)
os.makedirs(os.path.join(root, "checklist", "3f"), exist_ok=True)
open(os.path.join(root, "checklist", "3f", "3f0a"), "w").close()
with open(os.path.join(sys.argv[1], "filestore", "odoo", "notes with spaces and a 'quote'.txt"), "w") as f:
    f.write("not content-addressed")
PY
chmod 640 "$(find "$SRC" -type f | sort | head -1)"
files=$(find "$SRC" -type f -print0 | tr -cd '\0' | wc -c)
check "filestore: $files files generated" test "$files" -eq 10002

kgfs() { # runs the sanitizer binary
	env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		"$KG" migrate filestore "$@" >"$O" 2>"$E"
	RC=$?
}

# --- local to a "remote" target behind a shell command ---
REMOTE_SHELL="sh -c 'exec sh'"
kgfs --target-shell "$REMOTE_SHELL" --format json "$SRC" "$WORK/dst"
check "filestore: first pass exit 0" test "$RC" -eq 0
check "filestore: every file copied and verified" \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["copied"]==10002 and r["verified"]==10002 and not r["problems"]))' "$O"
check "filestore: the trees are identical (diff -r)" diff -r "$SRC" "$WORK/dst"
first=$(find "$SRC" -type f | sort | head -1)
check "filestore: modes are kept" test "$(stat -c %a "$WORK/dst${first#"$SRC"}")" = 640
kgfs --target-shell "$REMOTE_SHELL" --format json "$SRC" "$WORK/dst"
check "filestore: the second pass copies nothing" \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["copied"]==0 and r["unchanged"]==10002))' "$O"

# --- a remote source ---
kgfs --source-shell "$REMOTE_SHELL" "$SRC" "$WORK/dst2"
check "filestore: from a remote source, exit 0" test "$RC" -eq 0
check "filestore: from a remote source, identical" diff -r "$SRC" "$WORK/dst2"

# --- corruption on the target: a flipped byte, a truncated file, a missing file ---
mapfile -t victims < <(find "$WORK/dst/filestore/odoo" -type f -size +10k -name '????????????????????????????????????????' | sort | head -3)
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); b=f.read(1); f.seek(0); f.write(bytes([b[0]^1]))' "${victims[0]}"
truncate -s 100 "${victims[1]}"
rm "${victims[2]}"
kgfs --verify-all "$SRC" "$WORK/dst"
check "filestore: a damaged target is repaired (exit 0)" test "$RC" -eq 0
check "filestore: the flipped byte is named" grep -q "target: ${victims[0]#"$WORK/dst/"}: repaired: its content differed" "$O"
check "filestore: the truncated file is named" grep -q "target: ${victims[1]#"$WORK/dst/"}: repaired: 100 bytes instead of" "$O"
check "filestore: the missing file is copied again" test -f "${victims[2]}"
check "filestore: identical again" diff -r "$SRC" "$WORK/dst"

# --- corruption on the source is caught, not spread ---
bad=$(find "$SRC/filestore/odoo" -type f -size +10k -name '????????????????????????????????????????' | sort | tail -1)
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(5); b=f.read(1); f.seek(5); f.write(bytes([b[0]^0x40]))' "$bad"
kgfs "$SRC" "$WORK/dst3"
check "filestore: a corrupt source file makes the copy exit 1" test "$RC" -eq 1
check "filestore: it is named on both sides" sh -c "grep -q 'source: ${bad#"$SRC/"}: corrupt: content hashes to' '$O' && grep -q 'target: ${bad#"$SRC/"}: corrupt' '$O'"
kgfs "$SRC" "$WORK/dst3"
check "filestore: the next pass reports it again (exit 1), not OK" \
	sh -c "test $RC -eq 1 && grep -q 'source: ${bad#"$SRC/"}: corrupt: content hashes to' '$O'"
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(5); b=f.read(1); f.seek(5); f.write(bytes([b[0]^0x40]))' "$bad"

# --- killed mid-way, then resumed ---
SLOW="sh -c 'exec sh'"
env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" migrate filestore --jobs 1 \
	--target-shell "$SLOW" "$SRC" "$WORK/dst4" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[ "$(find "$WORK/dst4" -type f 2>/dev/null | wc -l)" -ge 2000 ] && break
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
partial=$(find "$WORK/dst4" -type f -print0 2>/dev/null | tr -cd '\0' | wc -c)
check "filestore: killed part-way ($partial of 10002 files there)" test "$partial" -lt 10002
kgfs --format json "$SRC" "$WORK/dst4"
check "filestore: the resumed copy exits 0" test "$RC" -eq 0
check "filestore: it copied only what was missing or cut short" \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (0 < r["copied"] < 10002))' "$O"
check "filestore: after the resume, identical" diff -r "$SRC" "$WORK/dst4"

# --- nothing deleted unless asked ---
echo stale >"$WORK/dst/filestore/odoo/stale-file"
kgfs "$SRC" "$WORK/dst"
check "filestore: a file only on the target is kept without --delete" test -f "$WORK/dst/filestore/odoo/stale-file"
kgfs --delete "$SRC" "$WORK/dst"
check "filestore: --delete removes it" test ! -e "$WORK/dst/filestore/odoo/stale-file"
check "filestore: and the rest stays identical" diff -r "$SRC" "$WORK/dst"
kgfs "$WORK/no-such-dir" "$WORK/dst5"
check "filestore: an unreadable source exits 3" test "$RC" -eq 3
check "filestore: and says so" grep -q 'cannot list' "$E"

# --- a hostile source: the far side may be a compromised pod ---
# Its "shell" answers every listing with names of its choosing and every tar
# request with a crafted archive: a symbolic link out of DST then a file
# through it, a device node, a FIFO, a hard link, a setuid file owned by
# someone else, "../x", an absolute path, and one good file.
EVIL=$WORK/evil
OUTSIDE=$WORK/outside
mkdir -p "$EVIL" "$OUTSIDE"
python3 - "$EVIL/evil.tar" "$OUTSIDE" "$WORK" <<'PY'
import io, sys, tarfile
out, outside, work = sys.argv[1:4]
t = tarfile.open(out, "w", format=tarfile.GNU_FORMAT)
def add(name, kind, data=b"", mode=0o644, **kw):
    i = tarfile.TarInfo(name); i.type = kind; i.mode = mode; i.uid = 1234; i.gid = 1234
    for k, v in kw.items(): setattr(i, k, v)
    i.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
add("./ab", tarfile.SYMTYPE, linkname=outside)
add("./ab/x", tarfile.REGTYPE, b"through the link\n")
add("./null", tarfile.CHRTYPE, devmajor=1, devminor=3)
add("./fifo", tarfile.FIFOTYPE)
add("./hl", tarfile.LNKTYPE, linkname="/etc/passwd")
add("./suid", tarfile.REGTYPE, b"#!/bin/sh\n", mode=0o4755)
add("../x", tarfile.REGTYPE, b"up one\n")
add(work + "/abs", tarfile.REGTYPE, b"absolute\n")
add("./good.txt", tarfile.REGTYPE, b"fine\n")
t.close()
# what the source sends on the next run: a file through the link, alone
t = tarfile.open(out + ".next", "w", format=tarfile.GNU_FORMAT)
add("./ab/x", tarfile.REGTYPE, b"through the link\n")
t.close()
PY
printf 'f 17 644 ./ab/x\0f 0 644 ./null\0f 0 644 ./fifo\0f 10 4755 ./suid\0f 7 644 ../x\0f 9 644 %s/abs\0f 5 644 ./good.txt\0l 0 777 ./link\0f 1 644 ./new\nline\0' "$WORK" >"$EVIL/listing"
cat >"$EVIL/shell" <<SH
script=\$(cat)
case \$script in
*"find ."*) cat '$EVIL/listing' ;;
*"tar -cf"*) if [ -e '$EVIL/second-run' ]; then cat '$EVIL/evil.tar.next'; else cat '$EVIL/evil.tar'; fi ;;
*) printf '%s\n' "\$script" | sh ;;
esac
SH
# twice: the second run is the later batch that would write through a link
# the first one planted
kgfs --source-shell "sh $EVIL/shell" /anything "$WORK/dst6"
check "filestore: a hostile source makes the copy exit 1" test "$RC" -eq 1
check "filestore: the files it did send are counted as copied" grep -q "copied 3 " "$O"
cp "$O" "$WORK/first-report"
touch "$EVIL/second-run"
kgfs --source-shell "sh $EVIL/shell" /anything "$WORK/dst6"
check "filestore: nothing written through the planted link" test -z "$(ls -A "$OUTSIDE")"
check "filestore: nothing written outside DST" test ! -e "$WORK/x" -a ! -e "$WORK/abs"
check "filestore: only regular files and directories in DST" test -z "$(find "$WORK/dst6" ! -type f ! -type d)"
check "filestore: no setuid, setgid or sticky bit in DST" test -z "$(find "$WORK/dst6" -perm /7000)"
check "filestore: no owner taken from the archive" test -z "$(find "$WORK/dst6" ! -user "$(id -u)")"
check "filestore: the setuid file lands with its permission bits only" test "$(stat -c %a "$WORK/dst6/suid")" = 755
check "filestore: the good file and the file named ab/x are inside DST" \
	sh -c "test \"\$(cat '$WORK/dst6/good.txt')\" = fine && test -f '$WORK/dst6/ab/x' && test ! -L '$WORK/dst6/ab'"
for what in "null: refused: a character device" "fifo: refused: a FIFO" "hl: refused: a hard link" \
	"ab: refused: a symbolic link" "../x: refused: the listing gave a name outside" "abs: refused: the listing gave a name outside" \
	"link: not copied: a symbolic link" "new?line: refused: the listing gave" ; do
	check "filestore: the report names '$what'" grep -qF -- "$what" "$WORK/first-report"
done

# an endless listing ends in an error, within the README's memory limit
printf 'case $(cat) in *"find ."*) yes "f 1 644 ./a" | tr "\\n" "\\0" ;; esac\n' >"$EVIL/endless"
env -i PATH=/usr/bin:/bin HOME="$WORK" timeout -s KILL 120 prlimit --as=$((256 * 1024 * 1024)) -- \
	"$KG_REL" migrate filestore --source-shell "sh $EVIL/endless" /anything "$WORK/dst7" >"$O" 2>"$E"
RC=$?
check "filestore: an endless listing exits 3, not killed ($RC)" test "$RC" -eq 3
check "filestore: and says why" grep -qE "answered more than 256 MiB|out of memory reading" "$E"

# a far side that writes errors without end is stopped, and nothing of it is kept on disk
printf 'cat >/dev/null; yes "error from the far side" >&2\n' >"$EVIL/noisy"
env -i PATH=/usr/bin:/bin HOME="$WORK" TMPDIR="$WORK/tmp-noisy" timeout -s KILL 120 "$KG_REL" migrate filestore \
	--source-shell "sh $EVIL/noisy" /anything "$WORK/dst8" >"$O" 2>"$E"
RC=$?
check "filestore: a far side writing endless errors is stopped (exit 3, not killed: $RC)" test "$RC" -eq 3
check "filestore: and its errors are kept bounded" test "$(grep -c 'error from the far side' "$O" "$E" | awk -F: '{s+=$2} END {print s}')" -le 1000
