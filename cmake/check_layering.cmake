# SPDX-License-Identifier: MIT
# Fails when a sans-IO layer (ROOT/<layer>) includes an I/O header. Run by the mqtk_layering target.
string(REPLACE "," ";" LAYERS "${LAYERS}")
set(bad "")
foreach(layer IN LISTS LAYERS)
  file(GLOB_RECURSE files ${ROOT}/${layer}/src/*.hpp ${ROOT}/${layer}/src/*.cpp
       ${ROOT}/${layer}/include/*.hpp)
  foreach(f IN LISTS files)
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](asio|openssl|boost/asio|sys/socket|thread)")
    if(lines)
      list(APPEND bad "${f}: ${lines}")
    endif()
  endforeach()
endforeach()
if(bad)
  list(JOIN bad "\n  " msg)
  message(FATAL_ERROR "sans-IO layers must not include I/O headers:\n  ${msg}")
endif()
