#!/bin/sh
# setup.sh installs the system packages spikevk needs on Debian (or Ubuntu):
# the Vulkan loader and headers, Mesa's lavapipe software device, the GLSL to
# SPIR-V compiler and SPIR-V tools, the validation layers, what GLFW needs to
# build, and numpy (the tests open every output file with numpy.load). It is
# idempotent: when everything is present it only checks.
# Elsewhere, or without root, it prints what to install by hand and fails.
set -eu

packages="mesa-vulkan-drivers libvulkan1 libvulkan-dev vulkan-tools libhdf5-dev
vulkan-validationlayers glslc glslang-tools spirv-tools
xvfb xauth libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
libxinerama-dev libxi-dev libxxf86vm-dev pkg-config gcc python3-numpy"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $packages; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$status" in
		*"install ok installed"*) ;;
		*) missing="$missing $p" ;;
		esac
	done
else
	echo "setup: this is not a Debian-based system (no dpkg-query)." >&2
	echo "setup: install by hand: a Vulkan loader with headers, a Vulkan driver (Mesa lavapipe works)," >&2
	echo "setup: glslc (shaderc), spirv-tools, the Khronos validation layers, and the X11/GL headers GLFW needs." >&2
	command -v glslc >/dev/null 2>&1 || exit 1
	exit 0
fi

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "setup: missing Debian packages:$missing" >&2
	echo "setup: run as root, or install them by hand: sudo apt-get install$missing" >&2
	exit 1
fi

echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
