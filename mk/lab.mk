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

# Every object of a lab, in its folder or below (tests/, traces/), compiles
# with the same rule: the lab's own headers and the harness's on the include
# path, and -MMD -MP so that make learns each object's headers from the
# compiler (the .d files included at the end) instead of from a list that
# can go stale. libmm.so's objects (%.pic.o) add the lab's PIC_CFLAGS.
CPPFLAGS += -I. -I$(HARNESS_DIR) -MMD -MP
PIC_CFLAGS ?= -fPIC

%.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

%.pic.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PIC_CFLAGS) -c -o $@ $<

# Every lab's Criterion binary is called run-tests and links the harness,
# which reports each test's outcome to the grader.
harness.o: $(HARNESS_DIR)/harness.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# A lab's programs that the rubric's `run` and `valgrind` rows start link
# proof.o: it tells the grader, signed, that the program did its job
# (grader/harness/proof.h), since an exit status proves nothing.
proof.o: $(HARNESS_DIR)/proof.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

.PHONY: all check clean
check: run-tests
	./run-tests

# `make clean` removes every object and dependency file of the lab and what
# the lab's Makefile lists in CLEAN (its programs and libraries).
clean:
	rm -f $(CLEAN) $(wildcard *.o *.d */*.o */*.d */*/*.o */*/*.d)

-include $(wildcard *.d */*.d */*/*.d)
