/*
 * ptdot.c: prints a page table as a graph in graphviz's dot language: one
 * node per page-table page, a row per entry in use (present, or for a
 * leaf, swapped) and a row per run of empty entries, and an edge from each
 * present upper-level entry to the table it points at. Run
 *
 *     ./vmsim --frames 2 --policy lru --dot --trace traces/small.rw | dot -Tsvg
 *
 * It reads the tables as they are, without walking through pt_walk(), so it
 * also draws a table that the code under test has got wrong.
 */
#include "ptdot.h"

#include <inttypes.h>

/* Colours of the rows: present, swapped, empty, and the table's title. */
static const char COLOUR_PRESENT[] = "#d8ecd0";
static const char COLOUR_SWAPPED[] = "#f9dcc0";
static const char COLOUR_EMPTY[] = "#888888";
static const char COLOUR_TITLE[] = "#e4e4ee";

/* Prints the row of a run of empty entries, first to last. */
static void dot_empty_row(FILE *out, size_t first, size_t last)
{
	fprintf(out, "<TR><TD ALIGN=\"RIGHT\"><FONT COLOR=\"%s\">",
		COLOUR_EMPTY);
	if (first == last)
		fprintf(out, "%zu", first);
	else
		fprintf(out, "%zu&#8211;%zu", first, last);
	fprintf(out,
		"</FONT></TD><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\">empty"
		"</FONT></TD></TR>\n",
		COLOUR_EMPTY);
}

/* Prints the letters of the permission and status bits a leaf PTE has. */
static void dot_flags(FILE *out, uint64_t pte)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} FLAGS[] = {
		{PTE_WRITABLE, "W"}, {PTE_EXEC, "X"}, {PTE_ACCESSED, "A"},
		{PTE_DIRTY, "D"},    {PTE_COW, "C"},
	};
	for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++)
		if (pte & FLAGS[i].bit)
			fprintf(out, " %s", FLAGS[i].name);
}

/* Prints the row of a used entry: index i of a table at level, pte. The
 * entry maps page vpn (a leaf) or leads to another table (an upper level). */
static void dot_used_row(FILE *out, size_t i, unsigned level, uint64_t pte,
			 uint64_t vpn)
{
	bool present = (pte & PTE_PRESENT) != 0;
	fprintf(out, "<TR><TD ALIGN=\"RIGHT\">%zu</TD>", i);
	if (level > 0 && present) {
		fprintf(out,
			"<TD ALIGN=\"LEFT\" PORT=\"e%zu\">table %" PRIu64
			"</TD></TR>\n",
			i, pte_table(pte));
	} else if (present) {
		fprintf(out,
			"<TD ALIGN=\"LEFT\" BGCOLOR=\"%s\">page 0x%" PRIx64
			": frame %" PRIu64,
			COLOUR_PRESENT, vpn, pte_frame(pte));
		dot_flags(out, pte);
		fprintf(out, "</TD></TR>\n");
	} else if (pte & PTE_SWAPPED) {
		fprintf(out,
			"<TD ALIGN=\"LEFT\" BGCOLOR=\"%s\">page 0x%" PRIx64
			": swap slot %" PRIu64 "</TD></TR>\n",
			COLOUR_SWAPPED, vpn, pte_slot(pte));
	} else {
		fprintf(out,
			"<TD ALIGN=\"LEFT\">not present: 0x%" PRIx64
			"</TD></TR>\n",
			pte);
	}
}

/*
 * Prints table t, at level, whose first entry covers page base, then the
 * tables below it. depth counts the tables above, so a table that points
 * back up (a broken page table) cannot make it loop for ever.
 */
static void dot_table(FILE *out, const struct pagetable *pt, size_t t,
		      unsigned level, uint64_t base, unsigned depth)
{
	const struct layout *l = &pt->layout;
	size_t entries = (size_t)1 << l->level_bits;
	const uint64_t *table = pt->tables[t];
	fprintf(out,
		"  t%zu [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
		"CELLSPACING=\"0\" CELLPADDING=\"4\">\n"
		"<TR><TD COLSPAN=\"2\" BGCOLOR=\"%s\" PORT=\"top\"><B>table %zu"
		"</B>: level %u%s</TD></TR>\n",
		t, COLOUR_TITLE, t, level, t == 0 ? " (root)" : "");
	size_t empty_from = SIZE_MAX;
	for (size_t i = 0; i < entries; i++) {
		if (table[i] == 0) {
			if (empty_from == SIZE_MAX)
				empty_from = i;
			continue;
		}
		if (empty_from != SIZE_MAX)
			dot_empty_row(out, empty_from, i - 1);
		empty_from = SIZE_MAX;
		uint64_t vpn = base + ((uint64_t)i << (level * l->level_bits));
		dot_used_row(out, i, level, table[i], vpn);
	}
	if (empty_from != SIZE_MAX)
		dot_empty_row(out, empty_from, entries - 1);
	fprintf(out, "</TABLE>>];\n");
	if (level == 0 || depth >= l->levels)
		return;
	for (size_t i = 0; i < entries; i++) {
		uint64_t child = pte_table(table[i]);
		if (!(table[i] & PTE_PRESENT) || child >= pt->ntables)
			continue;
		fprintf(out, "  t%zu:e%zu:e -> t%" PRIu64 ":top:w;\n", t, i,
			child);
		uint64_t vpn = base + ((uint64_t)i << (level * l->level_bits));
		dot_table(out, pt, (size_t)child, level - 1, vpn, depth + 1);
	}
}

/* Prints the page table pt as a dot graph on out, from its root down. */
void pt_print_dot(FILE *out, const struct pagetable *pt)
{
	fprintf(out, "digraph pagetable {\n"
		     "  rankdir=LR;\n"
		     "  node [shape=plaintext, fontname=\"DejaVu Sans\", "
		     "fontsize=10];\n"
		     "  edge [arrowsize=0.7];\n");
	if (pt->ntables > 0 && pt->layout.levels > 0)
		dot_table(out, pt, 0, pt->layout.levels - 1, 0, 1);
	fprintf(out, "}\n");
}
