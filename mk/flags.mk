# The one place for compiler flags. Every Makefile in the workbook includes this file.
#
# WORKBOOK_CFLAGS: the language and warnings everyone compiles with.
# WERROR:          -Werror for the workbook's own code; the grader sets it empty
#                  for a student's files, whose warnings are shown, not punished.
# SANITIZE:        empty normally; `make asan` sets it for a sanitizer build.

# -Wno-format-truncation: the workbook bounds strings with snprintf, which
# truncates safely by design; gcc would flag every such call.
WORKBOOK_CFLAGS := -std=c17 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -g -O2 \
		   -Wno-format-truncation
WERROR ?= -Werror
SANITIZE ?=
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -O1

CC ?= cc
CFLAGS = $(WORKBOOK_CFLAGS) $(WERROR) $(SANITIZE)
LDFLAGS = $(SANITIZE)
