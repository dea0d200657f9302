# SPDX-License-Identifier: MIT
# The one place that says which warnings every mqtk target is built with.
add_library(mqtk_warnings INTERFACE)
target_compile_options(mqtk_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  -Wmissing-declarations)
if(MQTK_WERROR)
  target_compile_options(mqtk_warnings INTERFACE -Werror)
endif()
