#!/usr/bin/env bash
# Install what Loupe needs to build, run and test, on Debian 12 or 13.
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
QEMU_MIN_MAJOR=10

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

main() {
	local release missing=() entry pkg path
	release=$(debian_release) || unsupported
	case "$release" in
	12 | 13) ;;
	*) unsupported ;;
	esac

	for entry in "${PACKAGES[@]}"; do
		pkg=${entry%:*}
		path=${entry##*:}
		[ -e "$path" ] || missing+=("$pkg")
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

main "$@"
