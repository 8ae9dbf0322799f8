# The workbook's top-level Makefile. The two set-up commands are
#     make grade     install what is missing, build, grade labs/, print the score
#     make test      the workbook's own tests
# and `make help` lists the rest.

include mk/flags.mk

ROOT := $(CURDIR)
BOOTSTRAP := tools/bootstrap.sh
LAB_NAMES := isolation pagetable alloc
SOLUTION_LABS := $(wildcard $(LAB_NAMES:%=solutions/%))
STUDENT_LABS := $(wildcard $(LAB_NAMES:%=labs/%))
EXPERIMENTS := $(wildcard experiments/Makefile experiments/*/Makefile)
CHAPTERS := $(sort $(wildcard chapters/*.md))
BOOK_OUT := book/out
STUDENT_OUT := $(BOOK_OUT)/student

SUBMISSION ?= labs
GRADE_FLAGS := $(if $(LAB),--lab $(LAB)) $(if $(STAGE),--stage $(STAGE)) \
	$(if $(STAGES),--stages $(STAGES)) \
	$(if $(JSON),--json $(JSON)) $(if $(GRADESCOPE),--gradescope $(GRADESCOPE)) \
	$(if $(PRAIRIELEARN),--prairielearn $(PRAIRIELEARN)) \
	$(if $(SANDBOX),--sandbox $(SANDBOX))

.PHONY: all help grade grade-class test skeletons official book student-book bench asan \
	handout clean practice-build format format-check deps-grade deps-book deps-bench deps-test solutions-build labs-build \
	experiments-build mutants

all: solutions-build labs-build experiments-build practice-build grader/grade tools/skelgen tools/score tools/mutate official

help:
	@echo "make grade [SUBMISSION=dir] [LAB=name] [STAGE=n] [JSON=f] [GRADESCOPE=f]"
	@echo "           [SANDBOX=auto|on|off]"
	@echo "make grade-class CLASS=dir [OUT=dir] [JOBS=n]   every student's folder in CLASS"
	@echo "make gradescope|prairielearn|autolab [LAB=l] [STAGES=a-b] [SANDBOX=on|off]"
	@echo "                 the grader's package for that platform, in build/"
	@echo "make test        the workbook's own tests (what CI runs)"
	@echo "make book        book/out/workbook.{html,pdf,epub} and book/out/site/"
	@echo "make student-book the same, students' edition, in book/out/student/"
	@echo "make site        book/out/site/ alone (make student-site: the students')"
	@echo "make sections    grader/sections.tsv from chapters/ (after editing headings)"
	@echo "make skeletons   regenerate labs/ and grader/official/ from solutions/"
	@echo "make handout     build/handout/: the workbook without solutions/"
	@echo "make bench       performance figures"
	@echo "make mutants [JOBS=n] [MUTANTS='--sample N --seed S']   mutation testing"
	@echo "make asan        build and test the solutions with sanitizers"
	@echo "make format      format our C files (make format-check: only check)"

deps-grade:
	@$(BOOTSTRAP) grade
deps-book:
	@$(BOOTSTRAP) grade book
deps-bench:
	@$(BOOTSTRAP) grade bench
deps-test:
	@$(BOOTSTRAP) grade book test

tools/skelgen: tools/skelgen.c mk/flags.mk | deps-grade
	$(CC) $(CFLAGS) -o $@ $<

# Plants one bug at a time in the solution regions (make mutants).
tools/mutate: tools/mutate.c tools/readall.c tools/readall.h mk/flags.mk | deps-grade
	$(CC) $(CFLAGS) -o $@ tools/mutate.c tools/readall.c

# Reads a grader's JSON report for scripts (tests/run.sh): they never parse
# the grader's table.
tools/score: tools/score.c tools/readall.c tools/readall.h mk/flags.mk | deps-grade
	$(CC) $(CFLAGS) $$(pkg-config --cflags libcjson 2>/dev/null) -o $@ tools/score.c tools/readall.c \
		$$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)

grader/grade: $(wildcard grader/*.c grader/*.h) mk/flags.mk | deps-grade
	$(MAKE) -C grader TOP=$(ROOT)

# -Werror for our code, not for a student's labs/: mk/flags.mk decides.
solutions-build: | deps-grade
	@for lab in $(SOLUTION_LABS); do \
		$(MAKE) -C $$lab TOP=$(ROOT) || exit 1; done

labs-build: | deps-grade
	@for lab in $(STUDENT_LABS); do \
		$(MAKE) -C $$lab TOP=$(ROOT) || exit 1; done

# The practice generators (practice/) answer with the page-table lab's
# reference code, so they exist only where solutions/ does.
practice-build: | deps-grade
	$(if $(wildcard solutions),$(MAKE) -C practice)

experiments-build: | deps-grade
	@for mk in $(EXPERIMENTS); do \
		$(MAKE) -C $$(dirname $$mk) TOP=$(ROOT) || exit 1; done

grade: grader/grade official
	grader/grade $(GRADE_FLAGS) $(SUBMISSION)

# Every submission in CLASS (one folder per student), into OUT.
OUT ?= grades
grade-class: grader/grade official
	@test -n "$(CLASS)" || { echo "usage: make grade-class CLASS=dir [OUT=dir] [JOBS=n]" >&2; exit 2; }
	sh tools/grade-class.sh -j $(or $(JOBS),1) $(CLASS) $(OUT) $(GRADE_FLAGS)

# In the student handout (no solutions/) the book's commands have nothing to
# run, so make test there stops after the grader's own tests. Elsewhere it
# builds both editions of the book and checks them (tests/book.sh: epubcheck,
# the PDFs, and the site in headless Chromium).
test: all format-check | deps-test
	tests/run.sh
	$(MAKE) platforms-check
	$(if $(wildcard solutions),$(MAKE) -C practice check)
	$(if $(wildcard solutions),$(MAKE) book student-book)
	$(if $(wildcard solutions),tests/book.sh)

# Every C file of ours follows .clang-format (Debian's clang-format); the
# skeletons in labs/ too, when they are ours (a handout's labs/ are the
# student's). `make format` fixes what format-check finds.
FORMAT_DIRS := solutions grader tools platforms experiments practice bench $(if $(wildcard solutions),labs)
FORMAT_FILES = $(shell find $(wildcard $(FORMAT_DIRS)) -path grader/official -prune \
	-o -name '*.[ch]' -print)
format-check: | deps-test
	@clang-format --dry-run --Werror $(FORMAT_FILES) || { \
		echo "format-check: the files above are not formatted; run 'make format'" >&2; \
		exit 1; }
	@echo "format-check: $(words $(FORMAT_FILES)) files follow .clang-format"
format: | deps-test
	clang-format -i $(FORMAT_FILES)

skeletons: tools/skelgen official
	@test -d solutions || { echo "make skeletons needs solutions/"; exit 1; }
	@mkdir -p labs
	@for lab in $(SOLUTION_LABS); do name=$$(basename $$lab); \
		rm -rf labs/$$name && tools/skelgen $$lab labs/$$name || exit 1; \
		echo "skeletons: labs/$$name"; done

# The grader's own copy of each lab (the skeleton, with the official tests,
# rubric and Makefile) is generated from solutions/ at every build, never
# committed, and built, so that the grader compiles only a student's own
# files; the handout, which has no solutions/, ships it ready-made.
official: tools/skelgen | deps-grade
	+@sh tools/official.sh $(SOLUTION_LABS)

include mk/site.mk

book: all | deps-book
	rm -rf $(BOOK_OUT) && mkdir -p $(BOOK_OUT)
	$(call book_edition,$(BOOK_OUT),,)

# The students' edition: the labs' code as handed out, not the solutions.
student-book: all | deps-book
	rm -rf $(STUDENT_OUT) && mkdir -p $(STUDENT_OUT)
	$(call book_edition,$(STUDENT_OUT),$(STUDENT_ENV),$(STUDENT_OPTIONS))

# Mutation testing (tools/mutants.sh): every mutant of every lab, or
# MUTANTS="--sample 40 --seed 1" for fewer; JOBS in parallel.
mutants: all
	sh tools/mutants.sh --jobs $(or $(JOBS),2) $(MUTANTS)

bench: all | deps-bench
	@for script in $(sort $(wildcard bench/*/run.sh)); do \
		echo "== $$script"; sh $$script || exit 1; done

asan: | deps-grade
	$(MAKE) -C grader clean
	$(MAKE) -C grader TOP=$(ROOT) SANITIZE="$(ASAN_FLAGS)" check
	$(MAKE) -C grader clean
	@for lab in $(SOLUTION_LABS); do \
		$(MAKE) -C $$lab TOP=$(ROOT) clean && \
		$(MAKE) -C $$lab TOP=$(ROOT) SANITIZE="$(ASAN_FLAGS)" && \
		(cd $$lab && LSAN_OPTIONS=suppressions=$(ROOT)/mk/lsan.supp \
			./run-tests) ; rc=$$?; \
		$(MAKE) -C $$lab TOP=$(ROOT) clean; [ $$rc -eq 0 ] || exit 1; done

handout: tools/skelgen
	tools/handout.sh build/handout

clean:
	$(MAKE) -C grader clean
	@for lab in $(SOLUTION_LABS) $(STUDENT_LABS); do \
		$(MAKE) -C $$lab TOP=$(ROOT) clean; done
	$(if $(wildcard practice),$(MAKE) -C practice clean)
	rm -rf $(BOOK_OUT) build tools/skelgen tools/score tools/mutate platforms/check-result
	$(if $(wildcard solutions),rm -rf grader/official)

include mk/platforms.mk
