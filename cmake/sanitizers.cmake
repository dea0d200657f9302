# SPDX-License-Identifier: MIT
# ASan + UBSan for the `asan` preset: applied to every target so that libraries and tests agree.
if(MQTK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
