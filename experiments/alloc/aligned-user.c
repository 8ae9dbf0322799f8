/*
 * aligned-user: an ordinary program that uses a few of the less common
 * members of the malloc family. Run under halfmm.so (see halfmm.c):
 *
 *     aligned-user strdup            strdup, then free
 *     aligned-user posix_memalign    posix_memalign, then free
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_LINE = 64 };

int main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IONBF, 0); /* no buffer from malloc */
	const char *mode = argc > 1 ? argv[1] : "";
	// ANCHOR: user
	if (strcmp(mode, "strdup") == 0) {
		char *copy = strdup("hello"); /* libc calls malloc */
		printf("strdup gave %s\n", copy);
		free(copy);
		printf("freed it\n");
		return 0;
	}
	if (strcmp(mode, "posix_memalign") == 0) {
		void *line;
		if (posix_memalign(&line, CACHE_LINE, 100) != 0)
			return 1;
		printf("posix_memalign gave a block, aligned to 64: %s\n",
		       (uintptr_t)line % CACHE_LINE == 0 ? "yes" : "no");
		free(line);
		printf("freed it\n");
		return 0;
	}
	// ANCHOR_END: user
	fprintf(stderr, "usage: %s strdup|posix_memalign\n", argv[0]);
	return 2;
}
