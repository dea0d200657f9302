# SPDX-License-Identifier: MIT
# Install layout and the Debian package: binaries, man pages (1, 5, 8) and the completions of
# bash, zsh and fish, all generated from the tools' own definitions (scripts/gen-docs); the
# broker as a service (packaging/: its configuration, systemd unit and maintainer scripts).
include(GNUInstallDirs)
install(TARGETS mqtk-pub mqtk-sub mqtk-bench mqtk-passwd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mqtk-broker RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
# OpenSSL's module, loaded on demand by every tool from ../lib/mqtk/ (docs/design.md, TLS).
install(TARGETS mqtk_openssl LIBRARY DESTINATION lib/mqtk)
install(FILES man/mqtk-pub.1 man/mqtk-sub.1 man/mqtk-bench.1 man/mqtk-passwd.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES man/mqtk-broker.conf.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES man/mqtk-broker.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
foreach(tool mqtk-pub mqtk-sub mqtk-bench mqtk-broker mqtk-passwd)
  install(FILES completions/bash/${tool}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
  install(FILES completions/zsh/_${tool} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
  install(FILES completions/fish/${tool}.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
endforeach()
# Placed by a script at install time, when the prefix is known (/usr: /etc and /lib/systemd).
install(CODE "set(MQTK_PACKAGING_DIR \"${PROJECT_SOURCE_DIR}/packaging\")
set(MQTK_SERVICE_WORK_DIR \"${PROJECT_BINARY_DIR}/packaging\")
set(MQTK_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")")
install(SCRIPT ${CMAKE_CURRENT_LIST_DIR}/install_service.cmake)

set(CPACK_PACKAGE_NAME mqtk)
set(CPACK_PACKAGE_VENDOR "mqtk developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "MQTT 3.1.1 and 5.0 toolkit: publish, subscribe, and a small fast broker")
set(CPACK_PACKAGE_CONTACT "mqtk developers <mqtk@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # mqtk_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends computed by dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_DEPENDS passwd) # useradd and groupadd, for postinst
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS bash-completion)
# postinst makes the mqtk user and enables (does not start) mqtk-broker.service; prerm stops it
# on removal; postrm purges its state. All three honour DPKG_ROOT (dpkg --root with
# --force-script-chrootless). The strict permissions make the scripts 0755, conffiles 0644.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
