#!/bin/sh
# Gradescope runs this once, as root, when it builds the autograder's
# image from autograder.zip (unpacked in /autograder/source): installs
# what the grader needs with apt, through the workbook's bootstrap, and
# builds the grader.
set -eu
cd /autograder/source
sh workbook/tools/bootstrap.sh grade platform
sh workbook/platforms/build.sh
