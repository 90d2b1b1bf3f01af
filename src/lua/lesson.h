/* lesson.h — lessons: Lua scripts in lua_lessons/ that narrate, make calls, and check
 * that each call behaved as the lesson says. */
#ifndef SP_LESSON_H
#define SP_LESSON_H
#include <stddef.h>
#include <lua.h>

/* say(en, zh), expect(cond, en, zh), wire_on() and packets{…} into a state. */
void lesson_open(lua_State *L);
/* Prints every lesson with its summary; 0 ok. */
int lesson_list(void);
/* The same for the folder sub of the lessons' ("exercises"), under heading; the entry
 * named mark (or none: NULL) marked ▶. */
int lesson_list_in(const char *sub, const char *heading, const char *mark);
/* The file of lesson (or, sub "exercises", exercise) name — "udp_gbk_echo" or
 * "01_udp_gbk_echo" — into path: 0, or -1 when there is none. */
int lesson_find(const char *sub, const char *name, char *path, size_t n);
/* A lesson's (or exercise's) name from its file: without a leading "07_" and ".lua". */
void lesson_short_name(const char *file, char *out, size_t n);
/* Calls fn(path, name, arg) for each file of the folder sub ("" the lessons, "exercises"), in
 * order, until fn returns non-zero: that value, 0 when it never did, -1 when the folder
 * cannot be read (Tab after `lesson ` and `exercise `, the lists, the lookup by name). */
int lesson_each(const char *sub, int (*fn)(const char *path, const char *name, void *arg), void *arg);
/* The value at index v as text in both languages: "text" (both) or {"English", "中文"} (the
 * English for both when no Chinese): 0, or -1 when it is neither. */
int lesson_text(lua_State *L, int v, const char **en, const char **zh);
/* Runs one lesson; step: pause before each socket call. 0 when every expect held. */
int lesson_run(const char *name, int step);
#endif
