# SPDX-License-Identifier: MIT
# Installs the broker's service files (packaging/mqtk-broker.conf and mqtk-broker.service); run
# by `cmake --install` and by cpack through install(SCRIPT), once the prefix is known. Under the
# prefix /usr (the .deb) they go where Debian 12 keeps them: the configuration to /etc/mqtk, the
# unit to /lib/systemd/system (systemd.pc's systemdsystemunitdir there). Under any other prefix P
# they go to P/etc/mqtk and P/lib/systemd/system, the unit naming P's broker and configuration,
# so that a staged install stays out of / and its unit runs its own binary.
# Set by install.cmake: MQTK_PACKAGING_DIR, MQTK_SERVICE_WORK_DIR, MQTK_SBINDIR.
if(CMAKE_INSTALL_PREFIX MATCHES "^/usr/?$")
  set(etc /etc)
  set(unit_dir /lib/systemd/system)
else()
  set(etc "${CMAKE_INSTALL_PREFIX}/etc")
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
file(READ "${MQTK_PACKAGING_DIR}/mqtk-broker.service" unit)
string(REPLACE "/usr/sbin/mqtk-broker" "${CMAKE_INSTALL_PREFIX}/${MQTK_SBINDIR}/mqtk-broker" unit
               "${unit}")
string(REPLACE "/etc/mqtk/" "${etc}/mqtk/" unit "${unit}")
# A directory of its own per destination: installs may run side by side (staged tests, cpack).
string(SHA1 key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(work "${MQTK_SERVICE_WORK_DIR}/service-${key}")
file(WRITE "${work}/mqtk-broker.service" "${unit}")
# file(INSTALL) puts $DESTDIR (cpack's staging directory) before these, as install() does.
set(mode PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${MQTK_PACKAGING_DIR}/mqtk-broker.conf" DESTINATION "${etc}/mqtk" ${mode})
file(INSTALL "${work}/mqtk-broker.service" DESTINATION "${unit_dir}" ${mode})
