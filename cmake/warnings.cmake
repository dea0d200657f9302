# SPDX-License-Identifier: MIT
# The one place that says which warnings every mqtk target is built with.
add_library(mqtk_warnings INTERFACE)
target_compile_options(mqtk_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough -Wmissing-declarations)
# Not -Wnull-dereference: with GCC 12 at -O2 it fires inside libstdc++'s unordered_map::erase
# (a false positive on std::string keys), which would break the release build.
if(MQTK_WERROR)
  target_compile_options(mqtk_warnings INTERFACE -Werror)
endif()
# GCC 12's optimiser also reports -Wrestrict and -Wmaybe-uninitialized from inside libstdc++'s
# std::variant and std::string moves (known false positives); optimised builds leave them out,
# the debug builds that CI runs (dev, asan) keep them.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(mqtk_warnings INTERFACE
    $<$<CONFIG:Release,RelWithDebInfo>:-Wno-restrict -Wno-maybe-uninitialized>)
endif()
