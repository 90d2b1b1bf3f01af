/* teach_report.h — for the teacher: `--report FILE.json` keeps each lesson a learner ran
 * (each checkpoint, the answer, right or not, the time taken, sockplay's version) in a JSON
 * array, appended atomically (a new file renamed into place); `--grade DIR` reads a folder
 * of such files and prints, per checkpoint, the share right and the most common wrong
 * answer, and per learner the score (`--csv`: one row per answer, for a spreadsheet). */
#ifndef SP_TEACH_REPORT_H
#define SP_TEACH_REPORT_H
#include <stddef.h>

/* --report FILE.json, or NULL. */
extern const char *teach_report_path;
/* Appends the lesson just run (its checkpoints from teach_results) to path. checks_ok: its
 * own checks passed. 0, or -1 with err (the file is as it was). */
int teach_report_append(const char *path, const char *lesson, int checks_ok, char *err, size_t n);
/* With --report: appends the lesson (or exercise) just run and says where, or why not. */
void teach_report_save(const char *lesson, int checks_ok);
/* Prints the class's table for the reports in dir. 0, or -1 after saying why. */
int teach_grade(const char *dir, int csv);
#endif
