# shellcheck shell=bash
# Shell functions shared by scripts/run.sh, scripts/test.sh and scripts/bench.sh. Source it:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/common.sh"
#   rq_install_deps            # apt-get installs only what is missing (sudo when not root)
#   rq_build [DIR] [TYPE] [CMAKE_ARG…]  # configure (Ninja when present) and build with all cores
#
# Sourcing changes no shell option; the functions report failures themselves and return non-zero.
# Environment: RQ_SKIP_INSTALL=1 skips rq_install_deps (for machines set up by other means);
# RQ_BUILD_DIR and RQ_BUILD_TYPE are the defaults of rq_build; RQ_BUILD_TARGETS (space-separated)
# builds only those targets; RQ_BUILD_TIMEOUT (seconds) stops the build after that long, and
# rq_build then returns 124.

RQ_ROOT=${RQ_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Debian 12 (bookworm) package names: build tools, Qt 6, hiredis, the redis-server the tests
# and the sandbox start, Xvfb for a console without a display, and what benchmarks and
# formatting use. qt6-qpa-plugins (offscreen/xcb platform plugins) is only a Recommends of
# libqt6gui6, so it is named here for machines that install without recommends. gnome-keyring
# and dbus (dbus-run-session, dbus-send) give the keychain tests a private Secret Service.
# zlib1g-dev and libzstd-dev: the payload decoders (gzip, zlib, zstd).
RQ_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-charts-dev qt6-qpa-plugins qtkeychain-qt6-dev libgl1-mesa-dev
    libhiredis-dev redis-server redis-sentinel redis-tools zlib1g-dev libzstd-dev
    xvfb xauth openssl python3-redis fonts-dejavu-core ccache clang-format
    gnome-keyring dbus dbus-x11
)

rq_log()
{
    printf '==> %s\n' "$*" >&2
}

rq_error()
{
    printf 'error: %s\n' "$*" >&2
}

# Runs a command as root: directly when we are root, through sudo otherwise.
rq_as_root()
{
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        rq_error "root is needed for: $* (run as root or install sudo)"
        return 1
    fi
}

# Prints the packages of RQ_PACKAGES that are not installed, one a line.
rq_missing_packages()
{
    local pkg status
    for pkg in "${RQ_PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [ "$status" != "install ok installed" ]; then
            printf '%s\n' "$pkg"
        fi
    done
}

rq_install_deps()
{
    if [ "${RQ_SKIP_INSTALL:-0}" = 1 ]; then
        rq_log "RQ_SKIP_INSTALL=1: not checking packages"
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        rq_error "no dpkg/apt-get: this script installs on Debian 12; install by hand:"
        rq_error "  ${RQ_PACKAGES[*]}"
        rq_error "then run again with RQ_SKIP_INSTALL=1"
        return 1
    fi
    local missing=()
    mapfile -t missing < <(rq_missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        rq_log "all ${#RQ_PACKAGES[@]} required packages are installed"
        return 0
    fi
    rq_log "installing ${#missing[@]} missing package(s): ${missing[*]}"
    # Wait for a dpkg lock held by e.g. unattended-upgrades on a fresh machine instead of failing.
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q)
    if ! rq_as_root "${apt[@]}" update; then
        rq_error "apt-get update failed"
        return 1
    fi
    if ! rq_as_root "${apt[@]}" install -y "${missing[@]}"; then
        rq_error "apt-get install failed for: ${missing[*]}"
        return 1
    fi
    local still=()
    mapfile -t still < <(rq_missing_packages)
    if [ "${#still[@]}" -ne 0 ]; then
        rq_error "still missing after apt-get install: ${still[*]}"
        return 1
    fi
}

# rq_build [build-dir] [build-type] [cmake-arg…]: relative build dirs are taken from the repository
# root; further arguments go to the configure step (e.g. -DRQ_SANITIZE=thread).
rq_build()
{
    local dir=${1:-${RQ_BUILD_DIR:-build}}
    local type=${2:-${RQ_BUILD_TYPE:-RelWithDebInfo}}
    shift $(($# < 2 ? $# : 2))
    case "$dir" in
    /*) ;;
    *) dir="$RQ_ROOT/$dir" ;;
    esac
    local generator=()
    # The generator of an existing build dir cannot change; choose only on first configure.
    if [ ! -f "$dir/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
        generator=(-G Ninja)
    fi
    local jobs
    jobs=$(nproc 2>/dev/null || echo 2)
    rq_log "configuring $dir ($type)"
    if ! cmake -S "$RQ_ROOT" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="$type" "$@"; then
        rq_error "cmake configure failed in $dir"
        return 1
    fi
    local targets=()
    if [ -n "${RQ_BUILD_TARGETS:-}" ]; then
        read -r -a targets <<<"$RQ_BUILD_TARGETS"
        targets=(--target "${targets[@]}")
    fi
    rq_log "building with $jobs job(s)"
    local limit=()
    if [ -n "${RQ_BUILD_TIMEOUT:-}" ]; then
        # timeout signals its whole process group: cmake, ninja and the compilers stop together.
        limit=(timeout -k 30 "$RQ_BUILD_TIMEOUT")
    fi
    local status=0
    "${limit[@]}" cmake --build "$dir" --parallel "$jobs" "${targets[@]}" || status=$?
    if [ "$status" -eq 124 ] && [ ${#limit[@]} -gt 0 ]; then
        rq_error "build in $dir stopped after ${RQ_BUILD_TIMEOUT}s (RQ_BUILD_TIMEOUT)"
        return 124
    elif [ "$status" -ne 0 ]; then
        rq_error "build failed in $dir"
        return 1
    fi
}
