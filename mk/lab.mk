# Rules shared by every lab. A lab's Makefile sets TOP (the workbook's root:
# it holds mk/ and grader/harness/) and then includes this file:
#
#     TOP ?= ../..
#     include $(TOP)/mk/lab.mk
#
# The grader builds a lab in a scratch directory with TOP pointing back at the
# workbook, so a lab's Makefile must never reach outside its own folder except
# through $(TOP).

include $(TOP)/mk/flags.mk

# `make` in a lab builds everything, whatever rule the lab writes first.
.DEFAULT_GOAL := all

HARNESS_DIR := $(TOP)/grader/harness
CRITERION_LIBS := -lcriterion

# Every lab's Criterion binary is called run-tests and links the harness,
# which reports each test's outcome to the grader.
harness.o: $(HARNESS_DIR)/harness.c $(HARNESS_DIR)/harness.h $(HARNESS_DIR)/token.h
	$(CC) $(CFLAGS) -I$(HARNESS_DIR) -c -o $@ $<

# A lab's programs that the rubric's `run` and `valgrind` rows start link
# proof.o: it tells the grader, signed, that the program did its job
# (grader/harness/proof.h), since an exit status proves nothing.
proof.o: $(HARNESS_DIR)/proof.c $(HARNESS_DIR)/proof.h $(HARNESS_DIR)/token.h
	$(CC) $(CFLAGS) -I$(HARNESS_DIR) -c -o $@ $<

.PHONY: check
check: run-tests
	./run-tests
