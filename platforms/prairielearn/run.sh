#!/bin/sh
# The PrairieLearn external grader's entry point (the question's
# "entrypoint"): the student's files are in /grade/student/, the result
# goes to /grade/results/results.json.
exec sh /workbook/platforms/grade.sh prairielearn /grade/student \
  /grade/results/results.json
