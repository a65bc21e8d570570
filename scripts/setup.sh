#!/usr/bin/env bash
# Install what Loupe needs to build, run and test, on Debian 12 or 13.
#
#   scripts/setup.sh            the toolchain, QEMU, GDB and the test tools
#   scripts/setup.sh browser    also what the real-browser trace test needs:
#                               Chromium, ChromeDriver, Selenium, Pillow,
#                               Node.js/npm, and speedscope from the npm
#                               registry (pinned in trace/browser/) installed
#                               into build/speedscope/
#
# Idempotent: it checks first and changes nothing that is already right.
# Every change it makes to the system is printed before it is made. It uses
# sudo when not run as root. On a system it cannot handle it prints what to
# install and exits 1.
set -euo pipefail

# Debian packages, and a command or file that shows each is present.
PACKAGES=(
	"gcc-aarch64-linux-gnu:/usr/bin/aarch64-linux-gnu-gcc"
	"binutils-aarch64-linux-gnu:/usr/bin/aarch64-linux-gnu-ld"
	"gdb-multiarch:/usr/bin/gdb-multiarch"
	"mtools:/usr/bin/mcopy"
	"dosfstools:/usr/sbin/mkfs.fat"
	"device-tree-compiler:/usr/bin/dtc"
	"cpio:/usr/bin/cpio"
	"make:/usr/bin/make"
	"gcc:/usr/bin/gcc"
	"python3:/usr/bin/python3"
	"python3-pytest:/usr/lib/python3/dist-packages/pytest/__init__.py"
	"python3-pexpect:/usr/lib/python3/dist-packages/pexpect/__init__.py"
	"libcmocka-dev:/usr/include/cmocka.h"
	"libfdt-dev:/usr/include/libfdt.h"
	"musl-dev:arm64:/usr/lib/aarch64-linux-musl/libc.a"
)
# Only for `setup.sh browser`: a browser is a large download that `make run`
# has no use for. An entry whose second part has no slash is a command,
# looked up on PATH, so a Node.js installed some other way also counts.
BROWSER_PACKAGES=(
	"chromium:/usr/bin/chromium"
	"chromium-driver:/usr/bin/chromedriver"
	"python3-selenium:/usr/lib/python3/dist-packages/selenium/__init__.py"
	"python3-pil:/usr/lib/python3/dist-packages/PIL/__init__.py"
	# speedscope's toolbar labels start with emoji; without a font for
	# them the screenshots show empty boxes.
	"fonts-noto-color-emoji:/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
	"nodejs:node"
	"npm:npm"
)
QEMU_MIN_MAJOR=10
ROOT=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'setup: %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		say "need root for: $*  (install sudo or run as root)"
		exit 1
	fi
}

package_names() {
	local entry
	for entry in "${PACKAGES[@]}"; do
		printf '%s ' "${entry%:*}"
	done
}

unsupported() {
	say "this is not Debian 12 or 13; install these (or your system's equivalents) by hand:"
	say "  $(package_names)"
	say "  with qemu-system-aarch64 version $QEMU_MIN_MAJOR or newer"
	exit 1
}

debian_release() {
	[ -r /etc/os-release ] || return 1
	# shellcheck disable=SC1091
	. /etc/os-release
	[ "${ID:-}" = debian ] || return 1
	echo "${VERSION_ID:-}"
}

qemu_major() {
	local v
	v=$(qemu-system-aarch64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
	echo "${v:-0}"
}

APT_UPDATED=0
apt_update() {
	if [ "$APT_UPDATED" = 0 ]; then
		say "running apt-get update"
		as_root apt-get update -qq
		APT_UPDATED=1
	fi
}

apt_install() {
	say "installing: $*"
	apt_update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_arm64_arch() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		say "adding the arm64 architecture to dpkg (for musl-dev:arm64)"
		as_root dpkg --add-architecture arm64
		APT_UPDATED=0
	fi
}

# Debian 12 ships QEMU 7.2; version 10 comes from bookworm-backports.
ensure_backports() {
	local list=/etc/apt/sources.list.d/loupe-bookworm-backports.list
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		say "adding bookworm-backports to apt sources ($list)"
		echo "deb http://deb.debian.org/debian bookworm-backports main" | as_root tee "$list" >/dev/null
		APT_UPDATED=0
	fi
}

present() {
	case "$1" in
	*/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

main() {
	local release missing=() entry pkg path browser=0
	case "${1:-}" in
	"") ;;
	browser) browser=1 ;;
	*)
		say "usage: $0 [browser]"
		exit 2
		;;
	esac
	if [ "$browser" = 1 ]; then
		PACKAGES+=("${BROWSER_PACKAGES[@]}")
	fi
	release=$(debian_release) || unsupported
	case "$release" in
	12 | 13) ;;
	*) unsupported ;;
	esac

	for entry in "${PACKAGES[@]}"; do
		pkg=${entry%:*}
		path=${entry##*:}
		present "$path" || missing+=("$pkg")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		if printf '%s\n' "${missing[@]}" | grep -q ':arm64$'; then
			ensure_arm64_arch
		fi
		if [ "$release" = 12 ]; then
			ensure_backports
		fi
		apt_install "${missing[@]}"
	fi

	ensure_qemu "$release"
	if [ "$browser" = 1 ]; then
		ensure_speedscope
	fi
}

ensure_qemu() {
	local release=$1 target=()
	[ "$(qemu_major)" -ge "$QEMU_MIN_MAJOR" ] && return 0
	if [ "$release" = 12 ]; then
		ensure_backports
		target=(-t bookworm-backports)
	fi
	say "installing qemu-system-arm ${target[*]} (have QEMU $(qemu_major), need $QEMU_MIN_MAJOR or newer)"
	apt_update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${target[@]}" qemu-system-arm >/dev/null
	if [ "$(qemu_major)" -lt "$QEMU_MIN_MAJOR" ]; then
		say "qemu-system-aarch64 $(qemu_major) is too old; Loupe needs QEMU $QEMU_MIN_MAJOR or newer"
		exit 1
	fi
}

# speedscope comes from the npm registry at the version package-lock.json
# pins (with its integrity hash). It goes into build/, like every other
# generated file, and is installed again whenever the lock file changes.
# npm runs as the calling user: nothing here needs root.
ensure_speedscope() {
	local src="$ROOT/trace/browser" dest="$ROOT/build/speedscope" version
	# The stamp is a copy of the lock file, written only after npm ci
	# succeeded, so an interrupted install is redone.
	if cmp -s "$src/package-lock.json" "$dest/installed-lock.json" &&
		[ -f "$dest/node_modules/speedscope/dist/release/index.html" ]; then
		return 0
	fi
	version=$(sed -n 's/^[[:space:]]*"speedscope": "\(.*\)"[,]*$/\1/p' "$src/package.json")
	say "installing speedscope $version from the npm registry into build/speedscope (npm ci)"
	mkdir -p "$dest"
	rm -f "$dest/installed-lock.json"
	cp "$src/package.json" "$src/package-lock.json" "$dest/"
	# --ignore-scripts: no package code runs at install time; speedscope is
	# a built web page and needs none.
	if ! (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
		say "npm ci failed in build/speedscope; is the npm registry reachable?"
		exit 1
	fi
	cp "$src/package-lock.json" "$dest/installed-lock.json"
}

main "$@"
