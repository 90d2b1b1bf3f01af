/* lesson.h — lessons: Lua scripts in lua_lessons/ that narrate, make calls, and check
 * that each call behaved as the lesson says. */
#ifndef SP_LESSON_H
#define SP_LESSON_H
#include <lua.h>

/* say(en, zh), expect(cond, en, zh), wire_on() and packets{…} into a state. */
void lesson_open(lua_State *L);
/* Prints every lesson with its summary; 0 ok. */
int lesson_list(void);
/* Runs one lesson; step: pause before each socket call. 0 when every expect held. */
int lesson_run(const char *name, int step);
#endif
