/* exercise.h — exercises: a task, and checks on what the session did (exercise.c). */
#ifndef SP_EXERCISE_H
#define SP_EXERCISE_H
#include <stddef.h>
#include <lua.h>

/* exercise{…} into a state. */
void exercise_open(lua_State *L);
/* Lists the exercises (the current one marked); 0 ok. */
int exercise_list(void);
/* Loads exercise name (ending the one before) and shows its task and checks: 0, or -1
 * after saying why. */
int exercise_start(const char *name);
/* `check`: every check, ✓ or ✗ (with why not); 0 when all are met, 1 when not, -1 no exercise. */
int exercise_check(void);
/* After each line at the prompt: the checks met since, one line each; done when all are. */
void exercise_after_line(void);
/* Ends the exercise (its results added to --report if not yet). */
void exercise_end(void);
/* The same, saying so and how many checks were met (`exercise off`, another begun). */
void exercise_stop(void);
/* The exercise going on, or NULL. */
const char *exercise_current(void);
/* Its solution's lines, as --auto types them: *n malloc'd strings in a malloc'd array (the
 * caller frees them), or NULL. */
char **exercise_solution(size_t *n);
#endif
