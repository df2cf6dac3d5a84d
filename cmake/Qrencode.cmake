# libqrencode (Debian's libqrencode-dev, from scripts/install-deps) as PkgConfig::QRENCODE:
# the organiser console draws the authenticator's QR code with it. Found through pkg-config
# as hiredis is; GLOBAL and guarded, so any folder that needs it can include this file.
if(NOT TARGET PkgConfig::QRENCODE)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET GLOBAL libqrencode)
endif()
