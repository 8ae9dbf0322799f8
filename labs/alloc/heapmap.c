/*
 * heapmap.c: reads what mm_heap_dump() printed,
 *
 *     heap 0x7f..000 to 0x7f..000, 8192 bytes
 *       0x7f..008        16 allocated
 *       0x7f..018       336 free (prev free)
 *       ...
 *     free list 19: 0x7f..018 (336)
 *     quick list 1: 0x7f..1a8 (48)
 *
 * and draws the heap as a block map in SVG: the heap in rows of a fixed
 * number of bytes, each block a box as wide as its size, coloured by its
 * state, and the lists below, every address given as an offset from the
 * start of the heap (so that the picture is the same on every run). It
 * draws what the dump says, whatever allocator printed it.
 */
#include "heapmap.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	MAP_BLOCKS_MAX = 4096, /* blocks drawn, at most */
	MAP_LISTS_MAX = 64,    /* list lines shown, at most */
	LINE_CAP = 4096,       /* longest dump line kept */
	WIDTH = 720,           /* the picture's width in pixels */
	LEFT = 70,             /* room for the row labels */
	RIGHT = 10,
	TOP = 34,        /* room for the title */
	ROW_HEIGHT = 34, /* a row of the heap */
	ROW_GAP = 8,
	LINE_HEIGHT = 17, /* a line of text below the map */
	MIN_ROW_BYTES = 256,
	MAX_ROWS = 6,
	LABEL_MIN_WIDTH = 30, /* a box narrower than this has no label */
	EPILOGUE_BYTES = 8,   /* the epilogue: a header alone */
};

enum kind { KIND_ALLOCATED, KIND_FREE, KIND_QUICK, KIND_EDGE, KIND_COUNT };

static const char *const KIND_COLOUR[KIND_COUNT] = {
	[KIND_ALLOCATED] = "#9ecae1",
	[KIND_FREE] = "#e5f5e0",
	[KIND_QUICK] = "#fdd0a2",
	[KIND_EDGE] = "#d0d0d0",
};
static const char *const KIND_NAME[KIND_COUNT] = {
	[KIND_ALLOCATED] = "allocated",
	[KIND_FREE] = "free",
	[KIND_QUICK] = "freed, on a quick list",
	[KIND_EDGE] = "padding, prologue, epilogue",
};

struct block {
	uint64_t start; /* offset from the start of the heap */
	uint64_t size;
	enum kind kind;
};

struct heap_map {
	uint64_t lo, size; /* the heap's first byte and its size */
	struct block blocks[MAP_BLOCKS_MAX];
	size_t nblocks;
	char lists[MAP_LISTS_MAX][LINE_CAP]; /* "free list 19: +0x18 (336)" */
	size_t nlists;
};

/* Reads the block line "  ADDR SIZE STATE"; returns false if it is not one. */
static bool parse_block(struct heap_map *m, const char *line)
{
	uint64_t addr, size;
	char state[32];
	if (sscanf(line, " %" SCNx64 " %" SCNu64 " %31s", &addr, &size,
		   state) != 3 ||
	    addr < m->lo || m->nblocks == MAP_BLOCKS_MAX)
		return false;
	enum kind kind = strcmp(state, "free") == 0    ? KIND_FREE
			 : strcmp(state, "quick") == 0 ? KIND_QUICK
						       : KIND_ALLOCATED;
	if (m->nblocks == 0 || size == 0) /* the prologue, the epilogue */
		kind = KIND_EDGE;
	m->blocks[m->nblocks++] = (struct block){
		.start = addr - m->lo,
		.size = size == 0 ? EPILOGUE_BYTES : size,
		.kind = kind,
	};
	return true;
}

/* Keeps a list line, with every address written as +OFFSET. */
static void parse_list(struct heap_map *m, const char *line)
{
	if (m->nlists == MAP_LISTS_MAX)
		return;
	char *to = m->lists[m->nlists++];
	size_t room = LINE_CAP - 1;
	while (*line != '\0' && *line != '\n' && room > 0) {
		uint64_t addr;
		int used = 0;
		if (strncmp(line, "0x", 2) == 0 &&
		    sscanf(line, "%" SCNx64 "%n", &addr, &used) == 1 &&
		    addr >= m->lo) {
			int n = snprintf(to, room + 1, "+0x%" PRIx64,
					 addr - m->lo);
			if (n < 0 || (size_t)n > room)
				break;
			to += n;
			room -= (size_t)n;
			line += used;
		} else {
			*to++ = *line++;
			room--;
		}
	}
	*to = '\0';
}

/* Reads the whole dump into *m. Returns 0, or -1 if it has no heap line. */
static int parse_dump(FILE *dump, struct heap_map *m)
{
	char line[LINE_CAP];
	bool have_heap = false;
	while (fgets(line, sizeof line, dump) != NULL) {
		uint64_t lo, hi, size;
		if (sscanf(line, "heap %" SCNx64 " to %" SCNx64 ", %" SCNu64,
			   &lo, &hi, &size) == 3) {
			m->lo = lo;
			m->size = size;
			have_heap = true;
		} else if (!have_heap) {
			continue;
		} else if (strstr(line, " list ") != NULL) {
			parse_list(m, line);
		} else {
			parse_block(m, line);
		}
	}
	return have_heap && m->size > 0 ? 0 : -1;
}

/* Prints text with the characters XML gives a meaning to escaped. */
static void print_xml(FILE *out, const char *text)
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

/* Returns the bytes a row shows: a power of two, so that the heap takes
 * MAX_ROWS rows at most. */
static uint64_t row_bytes_for(uint64_t heap_size)
{
	uint64_t bytes = MIN_ROW_BYTES;
	while (bytes * MAX_ROWS < heap_size)
		bytes *= 2;
	return bytes;
}

/* Draws the part of block b that lies in row `row`, if any, with its size
 * in it if label is true and there is room. */
static void draw_block(FILE *out, const struct block *b, uint64_t row,
		       uint64_t row_bytes, double scale, bool label)
{
	uint64_t row_start = row * row_bytes, row_end = row_start + row_bytes;
	uint64_t from = b->start > row_start ? b->start : row_start;
	uint64_t to =
		b->start + b->size < row_end ? b->start + b->size : row_end;
	if (from >= to)
		return;
	double x = LEFT + (double)(from - row_start) * scale;
	double w = (double)(to - from) * scale;
	double y = TOP + (double)row * (ROW_HEIGHT + ROW_GAP);
	fprintf(out,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
		"fill=\"%s\" stroke=\"#333\" stroke-width=\"0.8\"/>\n",
		x, y, w, ROW_HEIGHT, KIND_COLOUR[b->kind]);
	if (label && w >= LABEL_MIN_WIDTH && b->kind != KIND_EDGE)
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
			"%" PRIu64 "</text>\n",
			x + w / 2, y + ROW_HEIGHT / 2.0 + 4, b->size);
}

/* Draws the legend and the list lines from y down. */
static void draw_notes(FILE *out, const struct heap_map *m, double y)
{
	double x = LEFT;
	for (int k = 0; k < KIND_COUNT; k++) {
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
			"height=\"12\" "
			"fill=\"%s\" stroke=\"#333\" stroke-width=\"0.8\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			x, y - 10, KIND_COLOUR[k], x + 16, y, KIND_NAME[k]);
		x += 16 + 7.2 * (double)strlen(KIND_NAME[k]) + 18;
	}
	for (size_t i = 0; i < m->nlists; i++) {
		y += LINE_HEIGHT;
		fprintf(out, "<text x=\"%d\" y=\"%.1f\">", LEFT, y);
		print_xml(out, m->lists[i]);
		fprintf(out, "</text>\n");
	}
}

/*
 * Reads a dump that mm_heap_dump() printed and prints the heap it shows as
 * an SVG picture on out, titled title. Returns 0, or -1 if the dump has no
 * heap in it.
 */
int heapmap_svg(FILE *dump, FILE *out, const char *title)
{
	struct heap_map *m = calloc(1, sizeof *m);
	if (m == NULL || parse_dump(dump, m) != 0) {
		free(m);
		return -1;
	}
	uint64_t row_bytes = row_bytes_for(m->size);
	uint64_t rows = (m->size + row_bytes - 1) / row_bytes;
	double scale = (double)(WIDTH - LEFT - RIGHT) / (double)row_bytes;
	double map_end = TOP + (double)rows * (ROW_HEIGHT + ROW_GAP);
	double height = map_end + 24 + (double)m->nlists * LINE_HEIGHT + 10;
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
		"font-family=\"DejaVu Sans\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"%d\" y=\"20\" font-weight=\"bold\">",
		WIDTH, height, WIDTH, height, LEFT);
	print_xml(out, title);
	fprintf(out,
		"</text>\n<text x=\"%d\" y=\"20\" text-anchor=\"end\">"
		"%" PRIu64 " bytes, %" PRIu64 " a row</text>\n",
		WIDTH - RIGHT, m->size, row_bytes);
	for (uint64_t row = 0; row < rows; row++)
		fprintf(out,
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
			"+0x%04" PRIx64 "</text>\n",
			LEFT - 6,
			TOP + (double)row * (ROW_HEIGHT + ROW_GAP) +
				ROW_HEIGHT / 2.0 + 4,
			row * row_bytes);
	if (m->nblocks > 0 && m->blocks[0].start > 0) {
		struct block pad = {0, m->blocks[0].start, KIND_EDGE};
		draw_block(out, &pad, 0, row_bytes, scale, false);
	}
	for (size_t i = 0; i < m->nblocks; i++) {
		/* A block over several rows has its label in the row where
		 * most of it lies. */
		const struct block *b = &m->blocks[i];
		uint64_t first = b->start / row_bytes;
		uint64_t last = (b->start + b->size - 1) / row_bytes;
		uint64_t widest = first;
		if (last > first + 1)
			widest = first + 1;
		else if (last > first &&
			 (b->start + b->size) % row_bytes >
				 row_bytes - b->start % row_bytes)
			widest = last;
		for (uint64_t row = first; row <= last && row < rows; row++)
			draw_block(out, b, row, row_bytes, scale,
				   row == widest);
	}
	draw_notes(out, m, map_end + 16);
	fprintf(out, "</svg>\n");
	free(m);
	return 0;
}
