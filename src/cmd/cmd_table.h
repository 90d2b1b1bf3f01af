/* cmd_table.h — the one table of commands: dispatch, help and completion all read it. */
#ifndef SP_CMD_TABLE_H
#define SP_CMD_TABLE_H
#include "lang/parse.h"
#include "lang/words.h"

enum { CMD_OK = 0, CMD_FAIL = -1, CMD_QUIT = 1 };

/* What completion offers for an argument: one letter per position, the last repeats. */
enum { A_SOCK = 'S', A_KIND = 'K', A_OPT = 'O', A_HOW = 'H', A_BOOL = 'B', A_CMD = 'C', A_NONE = '-', A_FILE = 'F',
       A_LANG = 'L', A_EXPORT = 'X', A_VIEW = 'V', A_STATE = 'W', A_WIRE = 'R', A_PREDICT = 'Q',
       A_SETOPT = 'P' /* an option that can be set */, A_LESSON = 'N', A_EXERCISE = 'E' };

enum {
    CMD_NAMES = 1,           /* NAME = … names the socket it returns */
    CMD_BG = 2,              /* it may block, so … & may run it in the background */
};

typedef struct sp_command {
    const char *name;
    const char *args;        /* usage after the name: "S HOST PORT" */
    const char *help_en, *help_zh;
    const char *example;
    int (*run)(const sp_line *c);
    const char *complete;    /* A_* per argument */
    int flags;               /* CMD_NAMES, CMD_BG */
} sp_command;

extern const sp_command cmd_table[];
/* The word tables behind a completion letter (A_KIND: the kinds, the families, the types),
 * each the one its parser reads; NULL-ended; NULL when the letter is not a word list. */
const sp_word *const *cmd_words(char letter);
const sp_command *cmd_find(const char *name);
/* Runs one parsed command; prints its own errors. */
int cmd_dispatch(const sp_line *c);
#endif
