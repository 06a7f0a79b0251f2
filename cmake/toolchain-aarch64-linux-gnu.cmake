# Cross build for 64-bit ARM Linux on a Debian x86-64 host (multiarch), run through QEMU user mode.
# Needs: g++-aarch64-linux-gnu, qemu-user, and the :arm64 builds of the libraries hearth links
# (scripts/test_aarch64.sh installs them). CTest runs every test binary through CMAKE_CROSSCOMPILING_EMULATOR,
# so `ctest` works unchanged; QEMU_CPU picks the emulated core (and with it the NEON level the dispatcher sees).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Debian multiarch keeps the arm64 libraries and their CMake packages under /usr/lib/aarch64-linux-gnu and the
# cross C library under /usr/aarch64-linux-gnu; headers in /usr/include are shared by every architecture.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
set(CMAKE_PREFIX_PATH /usr/lib/aarch64-linux-gnu/cmake)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # Build tools (python3, pkg-config) come from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config must describe the arm64 libraries (PCRE2), not the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")

# -L gives QEMU the cross dynamic loader; it then finds the multiarch libraries through the host's
# ld.so.cache (libc6:arm64 registers /usr/lib/aarch64-linux-gnu there).
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64;-L;/usr/aarch64-linux-gnu")
