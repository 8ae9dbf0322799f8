# The one place for compiler flags. Every Makefile in the workbook includes this file.
#
# WORKBOOK_CFLAGS: the language and warnings everyone compiles with.
# WERROR:          -Werror for the workbook's own code; empty in labs/ and in
#                  the grader's build, where a student's warnings are shown,
#                  not punished.
# SANITIZE:        empty normally; `make asan` sets it for a sanitizer build.

# -Wno-format-truncation: the workbook bounds strings with snprintf, which
# truncates safely by design; gcc would flag every such call.
WORKBOOK_CFLAGS := -std=c17 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -Wswitch-enum -g -O2 \
		   -Wno-format-truncation
# A student's copy (a folder inside labs/) builds without -Werror, as the
# grader builds it, so that a warning never stops `make` in the lab.
ifneq ($(filter $(abspath $(TOP))/labs/%,$(CURDIR)),)
WERROR ?=
else
WERROR ?= -Werror
endif
SANITIZE ?=
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -O1

CFLAGS = $(WORKBOOK_CFLAGS) $(WERROR) $(SANITIZE)
LDFLAGS = $(SANITIZE)
