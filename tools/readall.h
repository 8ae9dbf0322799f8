/* readall: reads a whole text file, for the workbook's small tools. */
#ifndef READALL_H
#define READALL_H

#include <stddef.h>

/*
 * Returns the contents of the file at path as a new NUL-terminated string
 * (free it), and its length in *size if size is not NULL. Returns NULL
 * after a message on stderr that starts with tool if the file cannot be
 * read or memory runs out.
 */
char *read_all(const char *tool, const char *path, size_t *size);

#endif
