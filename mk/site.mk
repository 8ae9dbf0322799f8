# mk/site.mk: how one edition of the book is built (the single-file HTML,
# the PDF, the EPUB and the site), the site alone, and the grader's map of
# sections. Included by the Makefile, after CHAPTERS and BOOK_OUT.
#
#   make book          book/out/: workbook.{html,pdf,epub} and site/
#   make student-book  book/out/student/: the same, students' edition
#   make site          book/out/site/ alone (make student-site: the students')
#   make sections      grader/sections.tsv, from chapters/ (commit it)
#
# Every step prints its time ("time: ..."), and the edition its total.

TIMED := sh tools/timed.sh
BOOK_PANDOC = pandoc -d book/defaults.yaml $(CHAPTERS)
LUNR := /usr/share/javascript/lunr
SITE_STATIC := book/site/site.css book/site/site.js $(LUNR)/lunr.min.js $(LUNR)/lunr.min.js.map

# $(call book_site,DIR,ENV,OPTIONS): DIR/site/, the site (book/site/site.lua
# writes the pages; pandoc's own output is empty).
define book_site
rm -rf $(1)/site && mkdir -p $(1)/site
$(TIMED) "$(1)/site/" env $(2) WORKBOOK_RUNS=$(1)/runs WORKBOOK_SITE=$(1)/site \
	$(BOOK_PANDOC) $(3) -L book/site/site.lua -t html5 -o /dev/null
cp $(SITE_STATIC) $(1)/site/
endef

# $(call book_edition,DIR,ENV,OPTIONS): one edition of the book in DIR, the
# filter's environment ENV (WORKBOOK_EDITION...), pandoc's OPTIONS. Each
# command a chapter shows runs once (the first format) and its output,
# kept in DIR/runs, is reused by the others.
define book_edition
@date +%s%N > $(1)/.start
rm -rf $(1)/runs
$(TIMED) "$(1)/workbook.html" env $(2) WORKBOOK_RUNS=$(1)/runs \
	$(BOOK_PANDOC) $(3) --self-contained -o $(1)/workbook.html
$(TIMED) "$(1)/workbook.pdf" env $(2) WORKBOOK_RUNS=$(1)/runs \
	$(BOOK_PANDOC) $(3) -o $(1)/workbook.pdf
$(TIMED) "$(1)/workbook.epub" env $(2) WORKBOOK_RUNS=$(1)/runs \
	$(BOOK_PANDOC) $(3) -o $(1)/workbook.epub
$(call book_site,$(1),$(2),$(3))
@ls -l $(1)/workbook.*
@echo "time: $(1) built in $$(( ($$(date +%s%N) - $$(cat $(1)/.start)) / 1000000000 )) s"
endef

STUDENT_ENV = WORKBOOK_EDITION=student
STUDENT_OPTIONS = -M subtitle="A literate workbook: students' edition"

.PHONY: site student-site sections
site: all | deps-book
	@mkdir -p $(BOOK_OUT) && rm -rf $(BOOK_OUT)/runs
	$(call book_site,$(BOOK_OUT),,)
student-site: all | deps-book
	@mkdir -p $(STUDENT_OUT) && rm -rf $(STUDENT_OUT)/runs
	$(call book_site,$(STUDENT_OUT),$(STUDENT_ENV),$(STUDENT_OPTIONS))

# The grader's "reread" line names a section by number, title and page of
# the site; it runs where the book is not built (the students' handout),
# so the map is committed. tests/run.sh fails when it is stale.
SECTIONS ?= grader/sections.tsv
sections: | deps-book
	WORKBOOK_CHAPTERS="$(CHAPTERS)" pandoc -f markdown -t plain \
		-L book/site/sections-tsv.lua -o /dev/null < /dev/null > $(SECTIONS).new
	@mv $(SECTIONS).new $(SECTIONS) && echo "sections: $(SECTIONS)"
