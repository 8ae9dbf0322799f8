/*
 * layout.c: prints an address space as a dot graph: one tall table, the
 * highest address at the top, a row per region of the maps file (its start,
 * permissions, what backs it and its size) and a grey row for each gap
 * between regions, with its size; and for each place, an arrow to the row
 * of the region that holds it. Run
 *
 *     ./isolation-demo maps --dot | dot -Tsvg > layout.svg
 *
 * It reads the lines with maps_parse_line(), the lab's own parser.
 */
#include "layout.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

enum {
	LAYOUT_REGIONS_MAX = 512, /* regions drawn, at most */
	LINE_CAP = 4096 + 128,
};

/* The first address above user space on x86-64 (with 4-level paging). */
static const uintptr_t USER_TOP = (uintptr_t)1 << 47;

/* Colours of a region's row, by what it holds. */
static const char COLOUR_CODE[] = "#f4d6c2"; /* executable */
static const char COLOUR_DATA[] = "#d7e8f4"; /* writable */
static const char COLOUR_RO[] = "#e9e9f2";   /* read-only */
static const char COLOUR_NONE[] = "#ffffff"; /* no access: a guard */
static const char COLOUR_GAP[] = "#8a8a8a";  /* text of a gap's row */

/* Prints a size in bytes as a short number with a binary unit. */
static void print_size(FILE *out, uint64_t bytes)
{
	static const char *const UNITS[] = {"bytes", "KiB", "MiB", "GiB",
					    "TiB",   "PiB", "EiB"};
	size_t unit = 0;
	double size = (double)bytes;
	while (size >= 1024 && unit + 1 < sizeof UNITS / sizeof UNITS[0]) {
		size /= 1024;
		unit++;
	}
	if (unit == 0 || size >= 100 || size == (double)(uint64_t)size)
		fprintf(out, "%.0f %s", size, UNITS[unit]);
	else
		fprintf(out, "%.1f %s", size, UNITS[unit]);
}

/* Prints text escaped for a dot HTML label. */
static void print_html(FILE *out, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '<')
			fputs("&lt;", out);
		else if (*text == '>')
			fputs("&gt;", out);
		else if (*text == '&')
			fputs("&amp;", out);
		else
			fputc(*text, out);
	}
}

/* Prints text as the inside of a dot string: quotes and backslashes
 * escaped. */
static void print_dot_string(FILE *out, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '"' || *text == '\\')
			fputc('\\', out);
		fputc(*text, out);
	}
}

/* Returns what backs a region, as the picture names it: the file's name
 * without its folder, a name in brackets, or "anonymous". */
static const char *backing(const struct region *r)
{
	if (r->path[0] == '\0')
		return "anonymous";
	if (r->path[0] == '[')
		return r->path;
	const char *slash = strrchr(r->path, '/');
	return slash != NULL ? slash + 1 : r->path;
}

static const char *colour_of(const struct region *r)
{
	if (r->perms[2] == 'x')
		return COLOUR_CODE;
	if (r->perms[1] == 'w')
		return COLOUR_DATA;
	if (r->perms[0] == 'r')
		return COLOUR_RO;
	return COLOUR_NONE;
}

/* Prints the row of region i. */
static void print_region_row(FILE *out, const struct region *r, size_t i)
{
	const char *colour = colour_of(r);
	fprintf(out,
		"<TR><TD ALIGN=\"RIGHT\" BGCOLOR=\"%s\" PORT=\"r%zu\">"
		"<FONT FACE=\"DejaVu Sans Mono\">0x%012" PRIxPTR "</FONT></TD>"
		"<TD BGCOLOR=\"%s\"><FONT FACE=\"DejaVu Sans Mono\">%s</FONT>"
		"</TD><TD ALIGN=\"LEFT\" BGCOLOR=\"%s\">",
		colour, i, r->start, colour, r->perms, colour);
	print_html(out, backing(r));
	fprintf(out, "</TD><TD ALIGN=\"RIGHT\" BGCOLOR=\"%s\">", colour);
	print_size(out, r->end - r->start);
	fprintf(out, "</TD></TR>\n");
}

/* Prints the row of the gap between two regions, from lo to hi. On
 * x86-64, user space ends below 2^47: a gap past that is the hole of
 * non-canonical addresses, then the kernel's half, up to [vsyscall]. */
static void print_gap_row(FILE *out, uintptr_t lo, uintptr_t hi)
{
	bool halves = lo <= USER_TOP && hi > USER_TOP;
	fprintf(out,
		"<TR><TD COLSPAN=\"4\" BORDER=\"0\"><FONT COLOR=\"%s\"><I>"
		"%s: ",
		COLOUR_GAP,
		halves ? "non-canonical hole, then the kernel's half"
		       : "unmapped");
	print_size(out, hi - lo);
	fprintf(out, "</I></FONT></TD></TR>\n");
}

/* Reads every region of maps into regions[], in the file's (ascending)
 * order. Returns how many, or -1 if a line cannot be parsed. */
static long read_regions(FILE *maps, struct region *regions)
{
	char line[LINE_CAP];
	long n = 0;
	while (n < LAYOUT_REGIONS_MAX && fgets(line, sizeof line, maps)) {
		if (maps_parse_line(line, &regions[n]) != 0)
			return -1;
		n++;
	}
	return n;
}

/*
 * Reads the text of a maps file from maps and prints the address space it
 * describes on out as a dot graph, with an arrow from each of the count
 * places to the region that holds it. Returns 0, or -1 if a line of maps
 * cannot be parsed.
 */
int layout_print_dot(FILE *maps, FILE *out, const struct place *places,
		     size_t count)
{
	struct region *regions = calloc(LAYOUT_REGIONS_MAX, sizeof *regions);
	long n = regions != NULL ? read_regions(maps, regions) : -1;
	if (n < 0) {
		free(regions);
		return -1;
	}
	fprintf(out, "digraph layout {\n"
		     "  rankdir=LR;\n"
		     "  node [fontname=\"DejaVu Sans\", fontsize=10];\n"
		     "  edge [arrowsize=0.7, color=\"#555555\"];\n"
		     "  space [shape=plaintext, label=<<TABLE BORDER=\"0\" "
		     "CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">\n"
		     "<TR><TD><B>start</B></TD><TD><B>perms</B></TD>"
		     "<TD><B>backed by</B></TD><TD><B>size</B></TD></TR>\n");
	for (long i = n - 1; i >= 0; i--) {
		print_region_row(out, &regions[i], (size_t)i);
		if (i > 0 && regions[i - 1].end < regions[i].start)
			print_gap_row(out, regions[i - 1].end,
				      regions[i].start);
	}
	fprintf(out, "</TABLE>>];\n");
	for (size_t p = 0; p < count; p++) {
		for (long i = 0; i < n; i++) {
			if (!region_contains(&regions[i], places[p].addr))
				continue;
			fprintf(out,
				"  p%zu [shape=box, style=rounded, label=\"",
				p);
			print_dot_string(out, places[p].what);
			fprintf(out, "\"];\n  p%zu -> space:r%ld:w;\n", p, i);
			break;
		}
	}
	fprintf(out, "}\n");
	free(regions);
	return 0;
}
