# The grader's packages for the platforms that grade a class in containers
# (platforms/package.sh says what each holds), and their self-tests.
#
#     make gradescope [LAB=alloc] [STAGES=1-4] [SANDBOX=on|off]
#     make prairielearn [...]    make autolab [...]
#     make platforms-check       each package's entry point on four
#                                submissions, in a private mount namespace
#     make test-platforms        the same in a bare Debian root (debootstrap:
#                                minutes, network, root)
PLATFORM_ENV = LAB="$(LAB)" STAGES="$(STAGES)" SANDBOX="$(or $(filter on off,$(SANDBOX)),on)"

.PHONY: gradescope prairielearn autolab platforms-check test-platforms deps-platform

deps-platform:
	@$(BOOTSTRAP) grade platform

gradescope prairielearn autolab: official | deps-platform
	$(PLATFORM_ENV) sh platforms/package.sh $@ build/$@

platforms/check-result: platforms/check-result.c mk/flags.mk | deps-grade
	$(CC) $(CFLAGS) $$(pkg-config --cflags libcjson 2>/dev/null) -o $@ $< \
		$$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lm

platforms-check: grader/grade official platforms/check-result | deps-platform
	sh platforms/selftest.sh

test-platforms: grader/grade official platforms/check-result | deps-platform
	@$(BOOTSTRAP) chroot
	sh platforms/selftest.sh --chroot
