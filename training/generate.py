# The corpus is multilingual on purpose: its dashes and full-width punctuation are what agents write.
# ruff: noqa: RUF001
"""A labelled corpus of stop texts, generated from the stop-act taxonomy (names.STOP_ACTS).

Every example is an act phrasing (written here by hand, in several registers: terse, formal, chatty,
Codex-style lowercase with paths, Gemini-style markdown "I have …", and the other languages of
`languages/*.json`, read by language_files.py) filled with work items,
files and identifiers, then wrapped the way agents end their turns: a summary paragraph before it, a
bullet list, a code block, a table, tool notes, a long narrated report whose last paragraph carries the
act, or trailing blocks after it. Hard negatives are legitimate stops that look like early ones:
completions that list next steps for the user, features named context / password / restart / session /
token / break, design questions about "continuing", blockers that mention the remaining work, reports
the user asked for.

About half of the act texts (GRAMMAR_SHARE) are composed from parts by grammar.py instead of taken from a
fixed phrasing, so that the model learns an act's constituents rather than a few dozen sentences.

Deterministic for a seed. Each example carries a group (its act phrasing, or its grammar frame) so that
training can hold out whole phrasings, not just re-wrapped copies of the ones it learned.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import grammar
import language_files

# ---------------------------------------------------------------------------------------------------------
# Slot fillers. A template names a slot as {name}; {name2} is a second, independent pick from the same pool;
# {Name} capitalises the pick. Fillers may contain slots themselves.

POOLS: dict[str, list[str]] = {
    "thing": [
        "the parser",
        "the CLI wiring",
        "the migration",
        "the retry logic",
        "the auth middleware",
        "the export endpoint",
        "the settings page",
        "the rate limiter",
        "the cache layer",
        "the webhook handler",
        "the search index",
        "the billing job",
        "the login flow",
        "the CSV importer",
        "the API client",
        "the error handling",
        "pagination",
        "the feature flag",
        "the metrics exporter",
        "the config loader",
        "the docs",
        "the integration tests",
        "the unit tests for the tokenizer",
        "the dark-mode styles",
        "the queue consumer",
        "the upload service",
        "the audit log",
        "the notification emails",
        "schema validation",
        "the Dockerfile",
        "the CI workflow",
        "the GraphQL resolvers",
        "the i18n strings",
        "date parsing",
        "the permissions check",
        "the admin dashboard",
        "the invoice PDF generator",
        "the cron scheduler",
        "the S3 adapter",
        "the OpenAPI spec",
        "the onboarding wizard",
        "the cleanup task",
        "the React context provider",
        "the password reset form",
        "the restart policy",
        "the session store",
        "the token refresh",
        "the context menu",
        "the line-break handling",
        "the stop-word filter",
        "the pause/resume buttons",
        "the continue-on-error flag",
        "the next-page cursor",
        "the plan editor",
        "the step counter",
        "the remaining-balance calculation",
        "the break-glass runbook",
    ],
    "path": [
        "src/cli.py",
        "src/parser/lexer.py",
        "internal/store/pg.go",
        "web/src/components/Cart.tsx",
        "app/models/user.rb",
        "crates/core/src/lib.rs",
        "lib/auth/session.ts",
        "tests/test_parser.py",
        "docs/api.md",
        "migrations/0042_add_index.sql",
        "cmd/server/main.go",
        "config/settings.yaml",
        "src/main/java/com/acme/OrderService.java",
        "packages/ui/src/Button.tsx",
        ".github/workflows/ci.yml",
        "Dockerfile",
        "src/context/ThemeContext.tsx",
        "src/auth/password_reset.py",
        "deploy/restart-policy.yaml",
        "src/session/store.ts",
        "src/tokens/refresh.ts",
        "server/routes/export.js",
        "pkg/limiter/bucket.go",
        "src/billing/invoice.py",
        "frontend/src/pages/Settings.vue",
        "api/handlers/webhook.py",
        "Makefile",
        "scripts/seed_db.py",
        "src/lib/date.ts",
        "backend/app/services/search.py",
        "include/queue.h",
    ],
    "ident": [
        "parse_args",
        "RateLimiter",
        "useCart",
        "fetchUser",
        "OrderService",
        "retry_with_backoff",
        "SessionStore",
        "TokenBucket",
        "ThemeContext",
        "handle_restart",
        "export_csv",
        "validate_schema",
        "InvoiceRenderer",
        "normalize_path",
        "ConfigLoader",
        "next_page_token",
        "PasswordResetForm",
        "BreakLineFilter",
        "withRetry",
        "build_index",
        "QueueWorker",
        "resolveUser",
        "apply_migrations",
    ],
    "step": ["2", "3", "4", "5", "6", "7", "8"],
    "n": ["3", "4", "5", "6", "7", "9", "12"],
    "count": ["42", "87", "118", "142", "212", "312", "1,204", "56", "9"],
    "cred": [
        "STRIPE_SECRET_KEY",
        "AWS_ACCESS_KEY_ID",
        "DATABASE_URL",
        "GITHUB_TOKEN",
        "SENTRY_DSN",
        "OPENAI_API_KEY",
        "the staging SSH key",
        "the npm token for the private registry",
        "SMTP_PASSWORD",
    ],
    "service": [
        "Stripe",
        "the payments sandbox",
        "the staging API",
        "GitHub",
        "the internal auth service",
        "S3",
        "the geocoding provider",
        "the package registry",
        "the license server",
        "Twilio",
    ],
    "error": [
        "ECONNREFUSED 10.0.3.12:5432",
        "HTTP 503 Service Unavailable",
        "HTTP 502 Bad Gateway",
        "403 Forbidden",
        "401 Unauthorized",
        "ETIMEDOUT",
        "certificate verify failed",
        "permission denied (publickey)",
        "Cannot connect to the Docker daemon",
        "quota exceeded",
    ],
    "test": [
        "All {count} tests pass.",
        "pytest: {count} passed.",
        "`cargo test` is green.",
        "npm test passes ({count} tests).",
        "`go test ./...` is ok.",
        "The build is green.",
        "Lint and type checks are clean.",
        "`make check` passes locally.",
        "All tests and the linter pass.",
        "CI is green on the branch.",
        "The full suite passes ({count} tests, 0 failures).",
    ],
    "test_l": [
        "all {count} tests pass.",
        "the test suite is green.",
        "`pytest` passes.",
        "CI is green.",
        "lint, types and tests are clean.",
        "every test passes.",
    ],
    "done": [
        "I added `{ident}` in {path}.",
        "Refactored {thing} to use `{ident}`.",
        "Wired {thing} into {path}.",
        "Fixed the off-by-one in {path}.",
        "Moved the config parsing into {path}.",
        "Implemented {thing}.",
        "Updated {path} to handle empty input.",
        "Extracted `{ident}` from {path} into its own module.",
        "Added tests for {thing} in {path}.",
        "Replaced the hand-rolled loop in {path} with `{ident}`.",
        "Renamed `{ident}` and updated its callers.",
        "Removed the dead code in {path}.",
        "Added a migration for {thing}.",
        "Made {thing} configurable through {path}.",
        "Fixed the flaky assertion in {path}.",
        "Documented {thing} in docs/api.md.",
        "Bumped the dependency pins in {path}.",
        "Split {path} into smaller functions.",
    ],
    "done_l": [
        "added `{ident}` to {path}",
        "refactored {thing}",
        "wired {thing} into {path}",
        "fixed {path}",
        "implemented {thing}",
        "updated {path}",
        "added tests for {thing}",
        "removed dead code in {path}",
    ],
    "opt": [
        "a UUID or a ULID",
        "Postgres or SQLite for the tests",
        "REST or GraphQL",
        "a cookie or localStorage",
        "a soft delete or a hard delete",
        "15 or 30 minutes",
        "a modal or a separate page",
        "failing fast or retrying three times",
        "one table per tenant or a tenant column",
    ],
    "branch": ["feature/export", "fix/retry-loop", "wip/session-store", "chore/deps"],
}
# Work items ({thing}) of the other languages, from their files (languages/*.json), filled in below.
POOLS_BY_LANG: dict[str, dict[str, list[str]]] = {}

# ---------------------------------------------------------------------------------------------------------
# Act phrasings, English. One list per act; HARD holds the legitimate stops that look like early ones.

PHRASES: dict[str, list[str]] = {
    "completion": [
        "All done. {test}",
        "Done — {thing} is implemented and {test_l}",
        "That's everything in the plan: {thing}, {thing2} and their tests are in, and {test_l}",
        "The feature is complete. {test}",
        "Finished: {thing} now works end to end. {test}",
        "I've finished the task. Every step of the plan is checked off and {test_l}",
        "Implementation complete.",
        "{Done} {test} The task is complete.",
        "Fixed. The bug was in {path}: `{ident}` returned early on empty input. I added a regression test and {test_l}",
        "All {n} steps of the plan are done and committed.",
        "Everything is merged into main and the changelog is updated. Nothing is left on my side.",
        "That wraps up the migration: the old tables are dropped and {test_l}",
        "The refactor is finished and behaviour is unchanged — {test_l}",
        "Both bugs are fixed and covered by tests.",
        "Shipped. {thing} is live behind the existing config, and {test_l}",
        "Complete — the last item of the plan, {thing}, is in and {test_l}",
        "The work you asked for is done: {thing} is implemented, documented and tested.",
        "All tasks are complete and the branch is ready to merge.",
        "We're done here: the endpoint, its validation and its tests are all in place.",
        "Task complete. No open items remain.",
        "There you go — {thing} works now. {test}",
        "Everything's in and passing. 🎉",
        "Yay, it works! {test}",
        "The implementation matches the spec in docs/api.md, and {test_l}",
        "I have implemented {thing} as requested. {test} The changes are committed.",
        "I have completed all the tasks in the plan.",
        "I have successfully refactored {thing}. The application builds and {test_l}",
        "I have fixed the issue in `{path}`. The root cause was a missing `await`, and {test_l}",
        "**Summary**\n\nI have finished the implementation. {test}",
        "done. {path} updated, tests pass.",
        "implemented `{ident}` in {path}; all tests green.",
        "fixed: {path} — null check before deref. `go test ./...` ok.",
        "all {n} plan items done. committed as one commit per item.",
        "done — diff is in {path} and {path2}. tests: {count} passed.",
        "Done. Let me know if you'd like any changes.",
        "All set! If you want, I can also add {thing} later, but it isn't needed for this task.",
        "Completed. Happy to adjust anything if you spot something.",
        "The task is done. Let me know if anything else comes up.",
        "Finished — {test} Anything else you'd like me to look at?",
        "Done. Is there anything else you need?",
        "Shipped the fix for the double-charge bug. Root cause: the idempotency key was regenerated on retry. {test}",
        "Work's done. `{ident}` now handles every case from the issue, including the empty one.",
        "Everything from the issue is addressed — {thing}, {thing2} and {thing3} are in.",
        "The upgrade to v5 is complete; the deprecation warnings are gone and {test_l}",
        "No more failures: {test}",
        "I've wrapped up the task. {Done} {test}",
        "This resolves the issue. {test}",
        "PR is up from `{branch}`. All checks pass.",
        "Verified end to end in the browser: sign-up, login and logout all work.",
        "That was the last failing test — the suite is fully green now.",
        "All green ✅",
        "Implementation finished and self-reviewed. Nothing outstanding.",
        "The changes are complete and committed on `{branch}`.",
        "I have resolved all the issues you listed. {test}",
        "I have made the requested changes to `{path}` and verified them with the test suite.",
        "Successfully implemented {thing}. ✅ Tests pass ✅ Lint clean",
        "the fix is in. {path}: guard against None. tests pass.",
        "ok all done, {count} tests passing.",
        "Complete. {Done}",
        "The bug is fixed and there's a test so it stays fixed.",
        "Done! Build, tests and lint all pass. Let me know if you want anything tweaked.",
        "Done. If you'd like, I can also write a short migration guide — but the task itself is finished.",
    ],
    "question": [
        "Should {thing} be cached per user or globally?",
        "Which do you prefer here: {opt}?",
        "Before I change the public API: do you want to keep the old `{ident}` signature for backward "
        "compatibility, or can I break it?",
        "The spec doesn't say what happens to the orders of deleted users. Should they be anonymised or "
        "deleted with the account?",
        "There are two ways to do {thing}:\n\n1. Keep it synchronous and simple.\n2. Move it to the queue so "
        "requests return at once.\n\nWhich would you like?",
        "I found two conflicting requirements in {path}: one says to round half up, the other half to even. "
        "Which one is right?",
        "What should the default timeout be? The old code used 30 seconds and the docs say 10.",
        "Is it OK to drop Python 3.9 support? The new typing syntax needs 3.10.",
        "Do you want the migration to run automatically on deploy, or by hand?",
        "Which database should the tests use — {opt}?",
        "Quick question before I go on: should {thing} live in {path} or in a new package?",
        "How should I name the new setting? `max_retries` clashes with an existing env var.",
        "Do you want me to use {opt} for this? Both work; the trade-off is speed versus simplicity.",
        "Should the error message be shown to end users, or only logged?",
        "Which branch should this target, `main` or `release/2.4`?",
        "I need a decision on the API shape: return an empty list or a 404 when nothing matches?",
        "Should `{ident}` raise or return None on invalid input? Callers in {path} expect both.",
        "Where should the uploaded files go — the existing bucket or a new one per tenant?",
        "What's the expected behaviour when two users edit the same record: last write wins, or a conflict error?",
        "Can you tell me which locale the dates should use? The fixtures mix en-US and de-DE.",
        "I have two possible approaches for {thing}. **Which approach would you prefer?**\n\n- **A:** {opt}\n"
        "- **B:** keep the current design",
        "I have a question about the requirements: should {thing} be visible to read-only users?",
        "q: keep `{ident}` public or make it internal? it's used in {path}.",
        "which one: {opt}? need this before touching {path}.",
        "unclear from the issue: should deleted rows be purged or flagged?",
        "Hmm, should the banner be dismissible? The mockup doesn't say.",
        "Which license header do you want on the new files?",
        "Do you want this as one PR or split per service?",
        "Do you want {thing} behind a feature flag, or enabled for everyone?",
        "Should the new column be nullable? Existing rows have no value for it.",
        "Which behaviour do you want when an upload exceeds 10 MB: reject it, or compress it?",
        "I see two reasonable names for this: `{ident}` or `{ident2}`. Preference?",
        "Would you rather I fix the underlying bug in {path}, or only add the workaround you mentioned?",
        "Is `{path}` meant to be public API? If so I shouldn't change its signature.",
        "What's the target browser support? `structuredClone` needs Safari 15.4 or later.",
        "Do we need to support Windows paths here?",
        "Who should receive the alert emails — the on-call rotation or the team list?",
        "Is a breaking change acceptable in this release, or does it need a deprecation period?",
        "The docs and the implementation disagree about the default page size (20 vs 50). Which is correct?",
        "Should empty strings be treated as missing values or kept as they are?",
        "Before going further I need your call: keep the legacy endpoint for one more release, or remove it now?",
        "hey, quick one — tabs or spaces for the generated yaml? the repo has both.",
        "Do you want the logs in JSON or plain text?",
    ],
    "blocker": [
        "I can't run the integration tests: they need `{cred}`, which isn't set in this environment. Could you "
        "add it to `.env`?",
        "Blocked: `npm install` fails with `403 Forbidden` from the private registry. I need a token with read access.",
        "The staging database refuses connections (`{error}`), so I can't verify the migration. Is it down?",
        "{Service} is returning `{error}` for every request; I need it back up to test {thing}.",
        "I don't have permission to push to `main` (protected branch). Please grant access or merge "
        "`{branch}` yourself.",
        "The build needs an internal package that I can't download without VPN access.",
        "I need the API key for {service} to go further.",
        "Docker isn't running on this machine (`Cannot connect to the Docker daemon`), so I can't start the "
        "test containers.",
        "The repository's submodule points at a private repo I can't clone (`{error}`). Can you give me access?",
        "I'm stuck on a missing input: the design for the settings page isn't in the repo. Could you share it?",
        "The test data set referenced in {path} isn't in the repository, and I can't find where to get it. "
        "Where does it live?",
        "`terraform plan` needs `{cred}`; without it I can't check the infrastructure change.",
        "The license server for the build toolchain is unreachable ({error}). I can't compile until it's back.",
        "I can't reach {service} from this sandbox ({error}), so the end-to-end test can't run. The code "
        "change itself is ready.",
        "Waiting on you: the migration needs the production schema dump, which I don't have.",
        "The CI runner is out of disk space (`no space left on device`); a maintainer has to clear it.",
        "The upstream API changed its auth scheme and our service account no longer works ({error}). I need "
        "new credentials.",
        "I have encountered an issue: {service} is unavailable (`{error}`). I cannot proceed until it is restored.",
        "I have been blocked by a missing credential: `{cred}` is required to run the deployment script.",
        "blocked: `{cred}` not set; can't run e2e. set it and rerun.",
        "can't continue: {service} down ({error}).",
        "need access to the `infra` repo to finish — `{error}` on clone.",
        "Ugh, the sandbox has no network, so I can't fetch the dependencies. Can you run `pip install` for me "
        "or enable network access?",
        "I'm blocked on the database: the migration needs superuser rights and the app role doesn't have them. "
        "Could you run it as an admin, or grant the role?",
        "The SSO provider rejects the redirect URL (`redirect_uri_mismatch`). Someone with admin access to the "
        "IdP has to add `http://localhost:3000/callback`.",
        "Missing information: the spec doesn't give the tax rates for the EU countries, and I shouldn't guess "
        "them. Where can I find them?",
        "I can't test the push notifications: they need a physical device with the signing certificate.",
        "{Service} has an ongoing outage (the status page says degraded), so the webhook tests fail. I'll need "
        "it back to verify.",
        "The secret `{cred}` in CI is empty, so the deploy job fails at the login step. Please set it in the "
        "repository settings.",
        "The npm registry is timing out (`{error}`) and the lockfile needs two new packages. I can't install "
        "them right now.",
        "I don't have write access to the shared config repo, which is where this change has to go.",
        "Cannot proceed: the build box's disk quota is full and I can't delete other users' files.",
        "hit a wall: `{error}` from {service}. it's on their side. need it fixed or a different account.",
    ],
    "user_requested": [
        "Stopping here as you asked — step 1 is done and ready for review.",
        "As requested, I've only done the analysis and haven't changed any code.",
        "You asked me to pause after the schema change, so I'm stopping here. The migration is in {path}.",
        "Per your instructions, I stop after each phase for review. Phase {step} is complete.",
        "First part done, as you asked. I'll wait for your review before starting the next one.",
        "You told me to stop once the tests were green; they are now.",
        "Pausing here because you wanted to check the API design before I implement it.",
        "As agreed, I've only touched {path}; the rest waits until you've reviewed this.",
        "You said to stop before touching the database, so this is where I stop. {Done}",
        "Here's the plan you asked for; as you said, I won't start implementing until you approve it.",
        "I've stopped before step {step}, as you instructed, so you can review the design.",
        "Just the prototype, as you asked — no tests or docs yet, per your note.",
        "Halting here per your request. Everything so far is committed.",
        "OK, stopping as you asked. {Done}",
        "As instructed, I've done only the dry run; nothing was written.",
        "You wanted one step at a time: step {step} is done. Tell me when to do the next.",
        "I have stopped after the first milestone as you requested. The changes are ready for your review.",
        "As you requested, I have only investigated the issue and made no changes.",
        "stopped after step {step} as you asked. diff is small: {path}.",
        "per your ask: analysis only, no code changed.",
        "Stopping now — you asked for a checkpoint after the refactor.",
        "This is the checkpoint you asked for: the refactor is done, nothing else started.",
        "As requested, I'm handing back after the investigation. Findings are above; no code changed.",
        "You asked to review the schema before anything else, so here it is and I'm waiting.",
        "Stopped at the point you asked for — right after the data migration.",
        "Like you said, just the first endpoint for now. It's in {path}.",
        "Pausing for your review, as you wanted, before I touch the production config.",
        "You asked me not to go past step {step} without you, so I'm stopping here.",
        "I've done the spike you asked for and stopped there; the findings are in SPIKE.md.",
        "As you instructed, I didn't run the migration — it's ready for you to run.",
        "ok, stopped as requested. nothing uncommitted.",
    ],
    "not_a_stop": [
        "`{ident}` is called from three places: {path}, {path2} and the CLI entry point.",
        "The test fails because the fixture reuses the same temporary directory across tests, so the second "
        "run sees the first run's files.",
        "Yes — `{ident}` is idempotent: it checks for an existing row before writing.",
        "No, the cache isn't shared between workers; each process keeps its own LRU.",
        "Here's the summary you asked for:\n\n- {done}\n- {done2}\n- {done3}",
        "The difference is that `{ident}` validates its input, while `{ident2}` assumes it's already valid.",
        "The auth flow works like this: the client gets a code, exchanges it for a token at `/oauth/token`, "
        "and the middleware in {path} checks the token on every request.",
        "There are 14 TODOs in the codebase; most are in {path}.",
        "The slow part is an N+1 query in {path}: each order loads its items separately.",
        "To answer your question: the config is read once at start-up, so changes need a restart of the worker.",
        "It's safe to delete {path}; nothing imports it any more.",
        "The memory growth comes from the unbounded dict in `{ident}`; it never evicts entries.",
        "Good question. The timeout is 30 seconds and is set in {path}.",
        "Here's the code review you asked for:\n\n1. `{ident}` swallows exceptions.\n2. The SQL in {path} "
        "isn't parameterised.\n3. Tests don't cover the empty case.\n\nOverall the design is sound.",
        "Status, as requested: {n} of the 14 services are migrated; the dashboard shows which ones.",
        "The regex matches because `.` also matches the newline in DOTALL mode.",
        "That error means the lockfile and package.json disagree; `npm ci` refuses to continue until they match.",
        "The function runs in O(n log n): the sort dominates.",
        "Yes, that's expected — the warning comes from a deprecated option in {path} and is harmless.",
        "The React context provider re-renders every consumer because its value object is recreated on each render.",
        "The password reset form posts to `/api/auth/reset`, and its handler is in {path}.",
        "The restart policy is `on-failure` with at most 5 retries, defined in {path}.",
        "Sessions are stored in Redis with a 30-minute TTL; `{ident}` extends it on each request.",
        "Tokens are refreshed 60 seconds before they expire by `{ident}`.",
        "The `nextStep()` reducer moves the wizard forward; `continueLater()` saves a draft.",
        "The `break` in {path} exits only the inner loop, which is the bug you saw.",
        "A fresh session is created at login and the old one is invalidated.",
        "I set a breakpoint in `{ident}` and found that the list is empty when the handler runs.",
        "The model's context window is 200k tokens, and the prompt builder in {path} truncates at 150k.",
        "I have analysed the logs. The failures started after the deploy at 14:02 and all come from `{ident}`.",
        "I have reviewed the pull request. It looks correct, but `{ident}` lacks tests for the error path.",
        "it's in {path}, line 88. `{ident}` builds the query.",
        "no — {path} is generated; edit the template instead.",
        "yes, `{ident}` is thread-safe; it takes the lock in `__enter__`.",
        "Here's what the deploy script does, step by step: it builds the image, pushes it, then runs the migrations.",
        "The two functions differ only in how they handle timezones: `{ident}` converts to UTC, `{ident2}` "
        "keeps the local offset.",
        "I looked into it: the slow query itself takes 3 ms; the delay is in the template rendering, which "
        "takes 800 ms for large lists.",
        "Both are fine, but I'd pick {opt} here because the data is small.",
        "That's a false positive from the linter; the variable is used inside the f-string.",
        "The CI failure is unrelated to your change — it's the known flaky test in {path}.",
        "It's defined in {path}; search for `{ident}`.",
        "Here's the breakdown of the bundle size: React 42 KB, the chart library 180 KB, our code 95 KB.",
        "Yes, the migration is backwards compatible: the old code ignores the new column.",
        "Nope, there's no retry on that path; a failure bubbles up to the caller.",
        "In short: the job is idempotent, so re-running it after a crash is safe.",
        "The logs show the worker ran out of memory at 02:14, right after the nightly import started.",
        "I have investigated the error. It is caused by a missing environment variable, `{cred}`, in the "
        "production config.",
        "Explanation: `useEffect` runs after paint, so the flash you see is the initial state being rendered first.",
        "Line 42 of {path} shadows the outer `{ident}`; that's why the value looks stale.",
        "The remaining 3% of failures are timeouts from the payment provider, not our code.",
        "`pnpm` is faster here because it hard-links packages from its store instead of copying them.",
        "The cron runs in UTC, which is why the report arrives at 1 am for you.",
        "Yes — the two configs are equivalent; the second one just spells out the defaults.",
        "The flakiness comes from the shared port 8080; two test workers start servers on it at once.",
        "I checked the three call sites: none of them passes `None`, so the guard is unnecessary.",
        "Short version: it's a caching bug — `{ident}` returns the stale entry after an update.",
        "The answer is no: Postgres can't use that index for a `LIKE '%x'` pattern.",
        "From the code: `{ident}` only runs on the first request, then the result is memoised.",
        "Looking at {path}, the limit is enforced per API key, not per user.",
        "Git history says the workaround was added in 2021 for a Safari bug that has since been fixed.",
        "Here's how I'd explain it: the queue guarantees at-least-once delivery, so handlers must be idempotent.",
        "The numbers you asked for: p50 120 ms, p95 480 ms, p99 1.2 s.",
        "Both tests fail for the same reason: they depend on the system locale.",
        "I ran the benchmark you asked for: the new version is 18% faster on the large input and the same on "
        "small ones.",
        "Correct: the setting only affects new sessions.",
        "That message is from the pre-commit hook; it runs `ruff` and blocks the commit if it fails.",
    ],
    "next_step": [
        "Next I need to hook {thing} up to {path}.",
        "Next, I'll add tests for {thing}.",
        "Next up: step {step}, {thing}.",
        "Remaining: {thing} and {thing2}.",
        "What's left:\n\n{list}",
        "The next step is to update {path} to use `{ident}`.",
        "Now let me update {thing} to use the new `{ident}`.",
        "Now I'll move on to {thing}.",
        "I'll handle {thing} next.",
        "Step {step} is done. Step {step2} is {thing}.",
        "Still to do: {thing}, {thing2} and the docs.",
        "After that, {thing} needs to be migrated.",
        "Then I'll write the migration for {thing}.",
        "Moving on to {thing}.",
        "TODO: {thing}.",
        "The remaining items are {thing} and {thing2}.",
        "Phase {step} is complete; phase {step2} ({thing}) comes next.",
        "I still need to update {path} and run the full suite.",
        "{Thing} is next on the list.",
        "Let me now implement {thing}.",
        "Now I need to fix the failing test in {path}.",
        "Next: hook `{ident}` up to the router and add the error cases.",
        "The plan's remaining steps:\n\n{list}",
        "Remaining work for this feature:\n{list}",
        "Left to do: {thing}. After that, the docs.",
        "Once that's in, the next piece is {thing}.",
        "The last thing is {thing}, which I'll do next.",
        "I'm going to tackle {thing} now.",
        "Next I'll refactor `{ident}` so {path} can reuse it.",
        "Up next is {thing}; after that only cleanup remains.",
        "That leaves {thing} and {thing2} for the following steps.",
        "Steps {step}–{step2} remain: {thing} and {thing2}.",
        "I'll continue with {thing}.",
        "The next task is {thing}.",
        "I have completed step {step}. **Next steps:**\n\n1. Implement {thing}.\n2. Add tests for {thing2}.",
        "I have updated `{path}`. Next, I will implement {thing}.",
        "I will now proceed to implement {thing}.",
        "**Remaining tasks:**\n\n{list}",
        "next: wire `{ident}` into {path}.",
        "todo: tests for {path}",
        "remaining: {thing}; {thing2}",
        "next up — {path}, then docs.",
        "now doing {thing}.",
        "ok, {thing} next.",
        "Alright, on to {thing}!",
        "Cool, that part works. Time to tackle {thing}.",
        "Now wiring `{ident}` into the request pipeline.",
        "The migration is written. Now the model needs the new field.",
        "Half of the tests are updated; the rest still use the old fixtures.",
        "I've got the API returning the right data. The frontend still reads the old field, so that has to change too.",
        "There's still {thing} to do.",
        "Before this can ship, {thing} and {thing2} need updating.",
        "That takes care of {thing}. {Thing2} is what's left.",
        "With the schema in place, the next piece is the repository layer.",
        "I'll pick up {thing} after this.",
        "Then comes {thing}, followed by the docs.",
        "The plan has two more steps: {thing} and {thing2}.",
        "Outstanding:\n\n{list}",
        "To finish the feature, {thing} still needs tests and the README needs a section.",
        "Now to update the callers in {path}.",
        "Working on {thing} next.",
        "Step {step} of the plan is next: {thing}.",
        "I'm about to refactor {path} so it uses `{ident}`.",
        "The remaining part of the plan is {thing}.",
        "First part's done. Second part is {thing}.",
        "{Done} Next comes {thing}.",
        "Continuing with {thing}.",
        "I'll start on {thing} now.",
        "Let me also update {path}.",
        "Let me run the full test suite and then fix whatever breaks.",
        "I'll now write the tests for {thing}.",
        "The tests for {thing} still need to be written.",
        "Not done yet: {thing} still fails on Windows paths.",
        "still to wire up: {path} and the docs",
        "next → {thing}",
        "remaining todo: {thing}, then cleanup",
        "I have implemented the data model. I will now implement the API endpoints.",
        "I have made progress on {thing}. The following tasks remain:\n\n{list}",
        "**Status:** {step} of 9 steps complete.\n\n**Remaining:**\n\n{list}",
        "Progress: steps 1–{step} done, the rest of the 9 pending.",
        "So far so good! Next on my list is {thing}.",
        "{Done} Next, the frontend.",
        "The parser works on the sample files. Wiring it into the CLI comes next.",
        "That's the model layer. Views next.",
        "Backend's in place; the frontend is the remaining part.",
        "OK — the server side compiles. I'll do the client side now.",
        "I've updated 4 of the 7 handlers so far.",
        "Part 1 of 3 done.",
        "The old API calls in the settings page still need to be replaced.",
        "Still failing: 3 tests in {path}. Fixing those next.",
        "{n} tests still fail; I'll go through them one by one.",
        "I need to update the remaining call sites as well.",
        "There are a few more places that use the old helper; I'll update them.",
        "I have completed the first phase. The next phase involves {thing}.",
        "wip: {thing}. next: tests.",
    ],
    "context_excuse": [
        "I'm stopping now to preserve context; step {step} onward is still open.",
        "I'm running low on context, so I'll hand off here. Summary for the next session: {done}",
        "This conversation is getting long; a new session will handle {thing} better.",
        "Given the token budget, I'll wrap up this session now.",
        "I'll leave {thing} for a fresh session with a clean context window.",
        "My context is nearly full. Handoff note: {thing} is the next step; everything else is committed.",
        "To keep the context window manageable, I'll stop after this step.",
        "Since we've used a lot of context, let's continue {thing} in a new conversation.",
        "Handing off: the remaining work is {thing}. Start a new session and point it at {path}.",
        "I'm close to the output limit for this session, so I'll stop here.",
        "We've covered a lot in this session; I'd suggest picking up {thing} in a new one with fresh context.",
        "Context is getting tight, so I'm ending this session. The plan in docs/plan.md lists what's left.",
        "Because this thread is very long, I'll pause and let a new session carry on from step {step}.",
        "To avoid running out of tokens mid-change, I'll stop at this clean state.",
        "I've written a handoff summary in NOTES.md so the next session can continue with {thing}.",
        "The conversation history is large enough that quality may drop; a fresh start is better for the "
        "remaining steps.",
        "To save tokens, I'll stop now and let you restart me for {thing}.",
        "I have completed the first part. Due to the length of this conversation, I recommend starting a new "
        "session for the remaining tasks.",
        "I have reached the limits of this session's context. The remaining tasks are documented in the plan.",
        "context getting tight — stopping. next session: {thing}.",
        "stopping to save context; resume from step {step}.",
        "low on context. handoff: {path} half done.",
        "Phew, this one's been long! I'll stop here so a fresh session can pick up {thing} with a clean slate.",
        "I'll stop here to keep this session focused; the remaining refactor is better done with a fresh context.",
        "This session has accumulated a lot of tool output, so I'm ending it. Resume with step {step}.",
        "Rather than continue with a nearly full context, I'll hand over now: see docs/plan.md for what's left.",
        "Ending the session here to avoid hitting the context limit halfway through {thing}.",
        "To conserve tokens for the next session, I'll summarise and stop: {done}",
        "Let's break this into another session — the context is crowded and {thing} needs careful attention.",
        "I'm going to stop now before the context gets compacted and details are lost.",
        "Given the size of this conversation, it's best to restart with a clean slate for {thing}.",
        "Since my context window is mostly used up, the rest of the plan should continue in a new thread.",
        "Session's getting long. I'll hand off here; {thing} is next.",
        "I have used most of the available context for this session. Please start a new session to continue "
        "with the remaining steps.",
        "token budget nearly gone; committing wip and stopping.",
        "I'll pause here so that a fresh session can continue without the accumulated context.",
        "I'm ending here because the conversation is very long; the next steps are in the plan.",
        "To avoid the context getting compacted mid-refactor, I'll stop now.",
        "Let's pick this up in a fresh session; I've written what's left to TODO.md.",
        "My working memory for this session is nearly exhausted, so I'll hand off.",
    ],
    "permission": [
        "Want me to carry on with step {step}?",
        "Shall I proceed with {thing}?",
        "Should I go ahead with step {step}?",
        "Ready for step {step} — should I continue?",
        "Let me know if you'd like me to continue with {thing}.",
        "Would you like me to keep going with the remaining steps?",
        "Do you want me to move on to {thing} now?",
        "Okay to proceed with phase {step}?",
        "Let me know when you want me to continue.",
        "Should I continue?",
        "Shall I carry on with the rest of the plan?",
        "Do you want me to implement {thing} next?",
        "Should I keep going with {thing}, or pause here?",
        "May I proceed to the next step?",
        "Would you like me to proceed with step {step2} ({thing})?",
        "Ready to start {thing} whenever you say go.",
        "Just say the word and I'll continue with {thing}.",
        "Can I go ahead and migrate the remaining {n} services?",
        "Should I apply the same change to the other modules too, as the plan says?",
        "Step {step} is done. Continue with step {step2}?",
        "I have completed step {step}. Would you like me to proceed with step {step2}?",
        "I have finished the backend changes. Shall I proceed with the frontend?",
        "continue with step {step}?",
        "proceed to {path}?",
        "go on with {thing}? y/n",
        "want me to keep going?",
        "Let me know if I should keep going!",
        "Happy to continue with {thing} if you'd like — just let me know.",
        "Shall I go on to {thing}?",
        "Do you want me to do the same for the remaining {n} files?",
        "Should I start on step {step}?",
        "Is it okay if I continue with {thing}?",
        "Want me to keep going and finish {thing}?",
        "Next would be {thing}. Should I proceed?",
        "I can tackle {thing} next — shall I?",
        "Let me know if you want me to finish the remaining steps.",
        "Let me know if I should proceed with step {step}.",
        "Would you like me to continue implementing the rest of the plan?",
        "Should I carry on with {thing} now?",
        "Ready to proceed with {thing}. Go ahead?",
        "Shall I continue with the next phase?",
        "Do you want me to finish off {thing} as well?",
        "I have completed {thing}. Shall I move on to the next task in the plan?",
        "Should I proceed with the remaining tasks?",
        "carry on with {path}?",
        "shall i do step {step} now?",
        "next would be {thing} — want me to go ahead?",
        "Continue?",
        "Ready to continue when you are.",
        "If that looks right to you, I'll continue with the rest.",
        "Give me the go-ahead and I'll do step {step}.",
        "Want me to push on with the remaining migrations?",
        "Should I also do the other {n} services?",
        "I can keep going with step {step} — would that be helpful?",
    ],
    "break_point": [
        "That seems a fine place to pause.",
        "This is a natural stopping point.",
        "I'll stop here for now.",
        "Good checkpoint — pausing here.",
        "Let's call it here.",
        "This seems like a sensible place to stop.",
        "Pausing at a clean state: everything is committed.",
        "This looks like a good breakpoint in the work.",
        "Stopping at this milestone.",
        "I'll leave it here for today.",
        "Wrapping up for now.",
        "That's it for this round.",
        "A good moment to take a break.",
        "I'm pausing here; the work is in a consistent state.",
        "Let's stop at this point.",
        "I'll end the turn here.",
        "This feels like a natural pause.",
        "Stopping here — it's a clean cut.",
        "I have reached a good stopping point.",
        "I will pause here. The codebase is in a stable state.",
        "pausing here.",
        "stopping here for now.",
        "good spot to stop.",
        "ok, that's a decent checkpoint. stopping.",
        "Let's pause there! 😊",
        "I'll stop at this point.",
        "That's a reasonable place to stop for today.",
        "We're at a clean checkpoint, so I'm pausing.",
        "This is a good point to stop and take stock.",
        "Let's leave it there for now.",
        "I'll call it a day here.",
        "I'm going to stop here while everything is green.",
        "This is where I'll pause.",
        "Good place for a checkpoint. Stopping.",
        "I'll break here.",
        "Natural breakpoint reached — pausing.",
        "Let me stop here for the moment.",
        "That's enough for this session.",
        "I'll pause now; things are in a good state.",
        "I think this is a good stopping place.",
        "I have reached a natural checkpoint in the work and will stop here.",
        "stop point. everything committed.",
        "ok pausing.",
        "I'll leave things here for now.",
        "Calling it here for this session.",
        "This is a good spot to pause and regroup.",
        "Stopping here at a clean commit.",
    ],
    "give_up": [
        "The rest needs another approach: `{ident}` can't handle nested templates, and patching it further "
        "would be a hack.",
        "I couldn't get {thing} to work. I tried three fixes; none of them helped, so I'm leaving it as is.",
        "I'm unable to fix the flaky test in {path}; it needs someone who knows the legacy scheduler.",
        "This approach doesn't work for {thing}. I've reverted my changes; it needs a different design.",
        "I've made several attempts at {thing} without success, so I'll stop trying.",
        "I can't make the remaining tests pass without rewriting {thing}, which is beyond this task.",
        "I wasn't able to reproduce the bug, so I'm giving up on the fix for now.",
        "I don't think this can be done with the current architecture.",
        "After going back and forth I don't see a way to make {thing} work with this library. Someone should "
        "rethink the approach.",
        "This is beyond what I can solve here; the remaining failures are in generated code I don't understand.",
        "I'm out of ideas for the deadlock in `{ident}`.",
        "Unfortunately the performance target isn't reachable with this design. I'll leave the partial work "
        "on `{branch}`.",
        "The remaining part needs a different approach than the one in the plan; I'll stop rather than force it.",
        "I have been unable to resolve the issue with {thing}. A different approach may be required.",
        "I have tried multiple solutions, but none of them resolved the failure in `{path}`.",
        "couldn't fix {path}; reverted. needs a different approach.",
        "giving up on {thing} — the api doesn't support it.",
        "no luck with the race in `{ident}`. leaving it.",
        "Honestly I'm stuck — nothing I try fixes {thing}.",
        "I don't see a way to make this work without changing the upstream library, so I'm stopping.",
        "I've hit a dead end with {thing}: every fix breaks another test.",
        "This needs a different strategy than the one in the plan; mine didn't work and I've rolled it back.",
        "I give up on making {thing} deterministic; the third-party SDK is racy internally.",
        "I can't figure out why the build fails only in CI. I've exhausted what I can check from here.",
        "The approach in the plan doesn't scale to the real data set, and I don't have a better one.",
        "I'll stop here: fixing this properly means rewriting the storage layer, and I'm not confident doing that.",
        "Nothing I've tried resolves the segfault. It likely needs a debugger on the real hardware.",
        "I'm abandoning this attempt; the remaining tests can't pass with the current design.",
        "couldn't get it working. tried 4 approaches, all fail on the same assertion.",
        "I have exhausted the approaches I can think of for {thing}.",
        "I'll stop here — I can't find a fix for {thing} that doesn't break the public API.",
        "Stopping: the bug is in the vendored C extension, and I can't patch it safely.",
        "I'm going to stop trying; every variant of the fix fails the same integration test.",
        "At this point I don't have a working approach for {thing}.",
        "I wasn't able to finish {thing}. The library's async support is too limited for what the plan needs.",
        "I couldn't make it work and I'd rather not leave half-broken code, so I've reverted to the last green commit.",
        "This one has defeated me: the test only fails under load, and I can't reproduce it here.",
        "The remaining failures need a rethink of the data model; patching them one by one isn't working.",
        "My fixes keep introducing new failures, so I've backed out and stopped.",
        "I don't know how to fix this.",
        "Sorry — I couldn't get {thing} working.",
        "I'm stuck and don't see a path forward with the current approach.",
        "I'm not able to complete {thing}; the approach in the plan turned out to be infeasible.",
        "It doesn't look possible to do this with the current version of the framework.",
        "Giving up on this approach — it fights the framework at every step.",
        "tried everything i could think of. still broken. stopping.",
        "I have not been able to find a solution. The problem may require a deeper architectural change.",
    ],
}

HARD: dict[str, list[str]] = {
    "completion": [
        "Done — {thing} is in place. Next steps for you: set `{cred}` in production and run `make migrate`.",
        "**Next steps (optional):**\n\n- You could enable the cache in production.\n- Consider adding "
        "monitoring for {thing}.",
        "Everything is implemented. To try it, run `npm run dev` and open http://localhost:3000.",
        "The PR is ready for review. Once you merge it, the deploy pipeline will pick it up.",
        "The password reset form is done: it validates the token and sends the email. {test}",
        "Added a `restart: unless-stopped` restart policy to the compose file; all services come up cleanly.",
        "The React context provider now memoises its value, so the re-render loop is gone. {test}",
        "Session handling is finished: sessions expire after 30 minutes and refresh on activity. {test}",
        "Implemented the token bucket rate limiter in {path}; {test_l}",
        "Fixed the line-break handling in the Markdown renderer; {test_l}",
        "The Continue button on step 3 of the checkout wizard works now. {test}",
        "All {n} steps of the plan are complete. For follow-up you might consider: moving the secrets to a "
        "vault and adding a dashboard.",
        "Done. As a next step you may want to run the migration on staging yourself before release.",
        "The session timeout, the token refresh and the context menu fixes are all in. {test}",
        "Implemented pagination with a `next_page_token`; {test_l}",
        "The break-glass runbook is written and linked from the README. That was the last item.",
        "Done. The remaining-balance calculation now rounds correctly, and {test_l}",
        "Finished the pause/resume buttons for the player. {test}",
        "The `--continue-on-error` flag is implemented and documented. {test}",
        "I have completed the task. **Next steps for you:**\n\n1. Review the PR.\n2. Deploy to staging.",
        "I've fixed the context-length bug: prompts over the model's context window are now truncated "
        "before sending. {test}",
        "The stop-word filter is done and wired into the search index. {test}",
        "Restarting the worker now reloads its config, as the ticket asked. {test}",
        "Done. You'll need to restart the dev server to pick up the new env vars.",
        "The plan is complete. Remaining ideas, none of them in scope: caching and a CLI flag for verbosity.",
        "done. follow-up for you: rotate `{cred}` after merge.",
        "All good — the token refresh now retries once. Nothing else pending.",
        "Step {step} of the wizard now validates the postcode, and the Continue button stays disabled until it "
        "does. That was the last item. {test}",
        "The next-page cursor now encodes the sort key, so pagination is stable. {test}",
        "Added the 'Continue where you left off' banner to the dashboard. {test}",
        "Implemented `next_step()` for the onboarding flow; every step renders correctly now. {test}",
        "The remaining-items counter in the cart badge updates live now. {test}",
        "Done. For the rollout, you'll want to: 1) run the migration, 2) flip the flag, 3) watch the error rate.",
        "All implemented. Optional follow-ups if you want them later: caching the lookups and a dark theme.",
        "Done. Possible future improvements (not needed now): batch the writes, add metrics.",
        "Done and merged. Anything else?",
        "That's the whole plan done. Is there anything else I can help with?",
        "Finished. Do you have other tasks for me?",
        "Implemented the session-restore feature: reopening the app restores the last open tabs. {test}",
        "The context switcher in the header is done. {test}",
        "Fixed the token-expiry bug; the refresh now happens before the request, not after the 401. {test}",
        "The remaining 3 failing tests were stale snapshots; I updated them and the suite is green. Nothing left.",
        "Done — I also restarted the dev container so the new env vars are loaded; nothing else pending.",
        "The 'items remaining' label on the progress bar is fixed. {test}",
        "Remaining-time estimates in the upload dialog are accurate now; {test_l}",
        "Fixed the stock counter: 'only 3 left' now matches the database. {test}",
        "The `remaining_quota` field is now returned by `/usage`, and the client shows it. {test}",
        "Implemented the 'Next lesson' button; it's disabled on the last lesson. {test}",
        "The multi-step form remembers the current step across reloads now. {test}",
        "Step indicators on the checkout page render correctly on mobile now. That was the last bug.",
        "Added 'Continue with Google' to the login page. {test}",
        "The `--resume` flag now continues interrupted downloads. {test}",
        "The pause button now stops the timer and the resume button restarts it. {test}",
        "Fixed the page-break issue in the PDF export; tables no longer split across pages. {test}",
        "Session cookies now use `SameSite=Lax`. {test}",
        "The context window setting is exposed in the UI and saved per project. {test}",
        "Token usage is now logged per request. {test}",
        "Graceful restart is implemented: the server drains connections before exiting. {test}",
        "Step 3 (payment) now validates the card before moving to step 4. All steps of the checkout work end to end.",
        "The onboarding flow's next/back navigation is fixed. {test}",
        "All done. To deploy, run `make release` — I haven't run it since it publishes.",
        "Complete. When you're ready, merge `{branch}` and tag the release.",
        "Finished. You'll want to add `{cred}` to the production secrets before deploying.",
        "Done. Recommended (optional) follow-up: enable the new index in production during low traffic.",
        "Everything's implemented. From here, it's your call whether to enable the flag for all users.",
        "The feature is complete. Next, you can review the PR and merge when ready.",
        "Done. Going forward, run `make lint` before committing; the hook is installed.",
        "I have completed all requested changes. You can now run `npm start` to see the new dashboard.",
        "Done. Need anything else?",
        "All fixed. Anything more I can do?",
        "That's done — what would you like to work on next?",
        "Task finished. Let me know if there's anything else.",
        "Complete. Feel free to ask if you want changes.",
        "The last 2 flaky tests were timing-dependent; I fixed them with a fake clock. Everything passes and "
        "nothing remains.",
        "Fixed the remaining lint errors; the codebase is clean now and the task is complete.",
        "The remaining TODOs in {path} are resolved, and that was the last part of the ticket.",
        "All set. What would you like me to look at next?",
        "Done and tested. What's next on your list?",
        "Finished. Is there another task you want me to pick up?",
        "All done. For the release you'll need to: bump the version, tag it, and publish — I haven't done "
        "those since they're yours.",
        "Finished. To roll it out: 1) apply the migration, 2) restart the workers, 3) check the dashboard.",
        "The feature is complete. Your checklist for going live: set the env vars, run `make migrate`, enable "
        "the flag.",
        "Done. When you deploy, remember to run the backfill script once; it's idempotent.",
        "Everything's in. What should I work on next?",
        "Done — anything else you'd like me to tackle?",
        "That's finished. Any other task for me?",
        "All set! What's next?",
    ],
    "question": [
        "Should the retry loop continue after a 429, or give up at once?",
        "Should the session token go in a cookie or in localStorage?",
        "Do you want the password reset link to expire after one hour or after 24?",
        "When the user clicks Continue with an empty cart, should we show an error or go back to the catalog?",
        "Should the next step of the wizard be skippable?",
        "Should the worker restart itself on OOM, or leave that to the supervisor?",
        "Should I stop the import at the first bad row, or skip bad rows and report them at the end?",
        "Should the React context hold the whole user object, or only the id?",
        "The remaining two endpoints could share a handler. Do you want them merged into one, or kept "
        "separate for clarity?",
        "Should the break-glass account bypass MFA, or only the IP allowlist?",
        "How long should a session last before it needs a fresh login?",
        "Should `--continue` resume from the last checkpoint or start the step over?",
        "Which token format do you want for the API keys — opaque or JWT?",
        "Do you want me to continue using the old client for the legacy endpoints, or switch everything to "
        "the new one? That changes how much of step {step} is needed.",
        "Should pagination stop at 10,000 rows, or continue until the end?",
        "Should the cron job continue running during maintenance windows?",
        "Should the next release include the token migration, or wait for 3.1?",
        "Should 'Resume' continue from the last saved step or restart the wizard?",
        "Where should the context for the prompt come from — the ticket text or the linked docs?",
        "Should a break in the data feed trigger an alert, or just a retry?",
        "Do you want the remaining budget shown in the header or only on the billing page?",
        "Should the password policy require symbols, or just a minimum length?",
        "For the remaining steps, should I target the v2 API or stay on v1? The plan doesn't say.",
        "Should the upload continue in the background when the tab is closed?",
        "After step 3, should the user go straight to the dashboard or see a summary screen?",
        "Should the next invoice number continue from the old system's sequence or start at 1?",
        "Should I keep the remaining legacy flags, or remove all of them? Some may still be used by the mobile app.",
        "Do you want the session to continue across devices, or be per device?",
    ],
    "blocker": [
        "Steps {step} and {step2} are still to do, but both need the AWS credentials, which this environment "
        "doesn't have. Once you add them to `.env`, I can finish.",
        "The remaining work — {thing} — depends on the payments sandbox, which has been down since this "
        "morning (`{error}`). I can't continue until it's back.",
        "I've done what I can offline. What remains needs the production database password, which I don't have.",
        "Next I would deploy to staging, but the deploy key is missing (`{error}`). Could you add it?",
        "The rest of the plan needs `{cred}`. Can you provide it?",
        "Remaining: the e2e run, which needs the test account's password. Could you share it or run "
        "`make e2e` yourself?",
        "I can't restart the staging service from here — I don't have SSH access. Could you restart it so I "
        "can check the fix?",
        "The session expired on the registry (`{error}`), and I can't log in again without your 2FA code.",
        "The token in `.env` is expired ({error}); please generate a new one so I can run the sync.",
        "I still need to finish {thing}, but the test database is unreachable (`{error}`). Can you check "
        "whether it's running?",
        "The next step is deploying to staging, and that requires `{cred}`, which I don't have. Could you add it?",
        "Remaining: the load test. It needs the k6 cloud token — please provide it, or run it yourself with "
        "`make load`.",
        "To continue with step {step} I need the vendor's API docs; the link in the plan is behind a login.",
        "Next I would run the migration against staging, but my credentials were rejected (`{error}`). Can you "
        "check them?",
        "To finish the remaining steps I need write access to the `infra` repo; right now pushes fail with `{error}`.",
        "Next would be the production deploy, which needs an approval in the pipeline that I can't give myself.",
        "The last step needs the Apple developer account, which I don't have access to. Could you run "
        "`fastlane release`?",
        "What's left requires `{cred}`, and it isn't in the environment. Please add it and I'll finish.",
        "I can't continue with {thing}: {service} returns `{error}`.",
        "The remaining work is blocked on the API spec from the partner team; it isn't in the repo. Do you have it?",
        "To go on with the payment step I need the sandbox credentials; they aren't in `.env`.",
        "Before I can continue with the deploy step, someone has to add my SSH key to the bastion host.",
        "I need the Slack webhook URL to finish the notification step. Could you share it?",
        "For the rest of the import I need the CSV exports from the old CRM, which aren't in the repo.",
        "I need access to the `billing` database to go on; my user has no grants there.",
        "Without `{cred}` I can't go any further with the integration part.",
        "To continue with the import I need the source database's read-only credentials; they aren't in the vault.",
        "To go on with step {step} I need the design tokens from the design team; they aren't in the repo yet.",
        "To proceed with the deploy step I need access to the production cluster, which I don't have.",
        "To carry on with the payment flow I need a sandbox account; could you create one?",
    ],
    "user_requested": [
        "As you asked, I've stopped before the next step so you can review the design.",
        "You asked me to break here after the context provider refactor; it's done and committed.",
        "Stopping after the password reset form, as you requested — the email part waits for your review.",
        "You wanted to check in after each step, so: step {step} is done. Let me know when I should continue.",
        "Per your request I'll wait for your go-ahead before the next step; step {step} is finished.",
        "As you asked, I've left {thing} for you to do yourself; everything else is done.",
        "You asked for one phase per session: phase {step} is done. Say when you want the next.",
        "Here's the diff for review, as you asked. I'll continue once you're happy with it.",
        "As you asked, I'll hold off on {thing} until you've tested this.",
        "You wanted to approve each migration, so I've stopped before running this one.",
        "Since you asked to review every step, I'm pausing after step {step}. Tell me to continue when you're ready.",
        "Step {step} is done — you asked me to wait for your OK between steps, so I'll wait.",
        "You wanted to sign off on each stage: this one's ready. I'll go on when you say so.",
        "As agreed, one step per review: step {step} is in, and I'll start the next after your review.",
    ],
    "not_a_stop": [
        "Here's the list of remaining TODOs you asked for:\n\n{list}",
        "To answer your question about what's left in the migration: only the index on `orders.created_at`.",
        "The next step in the onboarding flow is the email verification screen; it's rendered by `{ident}`.",
        "The context provider is defined in {path} and wraps the whole app in `main.tsx`.",
        "`restart()` re-reads the config and reconnects; it doesn't drop in-flight jobs.",
        "Here's the status report you asked for: steps 1–{step} are done, and step {step2} ({thing}) is in review.",
        "You asked why the job stopped: it hit the 15-minute limit in {path} and was killed.",
        "The session cookie is `HttpOnly` and `SameSite=Lax`, set in {path}.",
        "Yes, you can continue using the old client; it's deprecated but still supported.",
        "The break-even point is about 2,000 requests per day; below that, the serverless option is cheaper.",
        "The token counter in {path} uses the model's tokenizer, so the numbers match the API's.",
        "You asked where the release steps are: RELEASE.md lists them (tag, build, publish).",
        "`continue` in that loop skips the rest of the iteration, so the counter isn't incremented for empty lines.",
        "The wizard's Next button stays disabled until the form validates; that's what you're seeing.",
        "The session is kept alive by the heartbeat in {path}; without it the server drops it after 60 seconds.",
        "Some context: this module predates the new API, which is why it uses callbacks.",
        "The access token expires after one hour; the refresh token lasts 30 days.",
        "The restart happened because the deployment changed the config map, so Kubernetes rolled the pods.",
        "Pausing the queue is done with `{ident}.pause()`, and resuming with `.resume()`.",
        "The breakpoint you set in {path} never hits because that file is compiled from the TypeScript source; "
        "set it in the .ts file instead.",
        "Next.js caches the fetch by default; that's why the next request returns stale data.",
        "The 'next steps' section of the design doc covers rollout and monitoring, not implementation.",
        "Yes, you can stop the worker safely at any point; it checkpoints after every batch.",
        "After checkout, the next screen is the order confirmation, rendered by `{ident}`.",
        "The signup wizard has four steps; step 2 collects the company details and is rendered by `{ident}`.",
        "When the job fails, the next retry runs after 30 seconds, then 2 minutes, then 10.",
        "About the pipeline: after lint, the next stage is the unit tests, then the Docker build.",
        "The remaining balance is computed in {path} from the ledger entries; it isn't stored.",
        "`next()` on the iterator raises StopIteration when the list is exhausted; that's the error in your trace.",
        "The `continue` statement there is intentional: it skips rows without an id.",
        "The state machine goes draft → review → published; `advance()` moves to the next state.",
        "Yes: the installer resumes where it stopped, because it records each completed step in `.install-state`.",
        "Here's the remaining-work estimate you asked for: about two days for the API and one for the UI.",
        "The next scheduled run is at 03:00 UTC; the cron expression is in {path}.",
        "To answer your question about CI: the build runs first, then the integration tests, then the deploy "
        "to staging.",
        "On the release process: once a tag is pushed, the next job publishes the package and the docs.",
        "How the importer works: it reads the file, validates each row, and then the next stage writes the "
        "valid rows in batches.",
        "About the retry policy: after the third failure the message moves to the dead-letter queue, and the "
        "next attempt is manual.",
        "The order lifecycle is: created, paid, shipped; `{ident}` handles the transition to the next status.",
        "`useNextPage()` fetches the following page when the sentinel scrolls into view; that's why you see "
        "two requests.",
        "In Rust, `iter.next()` returns `None` at the end, so the `while let` loop stops there.",
        "The `next` middleware in Express passes control to the following handler; your handler never calls "
        "it, so the request hangs.",
        "About the release flow: after the tag is pushed, the next stage builds the wheels, then publishes them.",
        "Regarding the webhook: after a failed delivery, the next retry comes 5 minutes later, then the event "
        "is dropped.",
        "On the checkout page, the Next button is disabled until the address validates; that's the behaviour you saw.",
        "The form's Continue button is greyed out because the terms checkbox is unchecked; that's by design.",
        "In the CI config, the deploy stage runs next only on `main`; branches stop after the tests.",
    ],
}

# ---------------------------------------------------------------------------------------------------------
# Other languages: fewer phrasings, the same acts, one data file each (languages/*.json, read by
# language_files.py), filled in below.

LANG_PHRASES: dict[str, dict[str, list[str]]] = {}

# ---------------------------------------------------------------------------------------------------------
# Wrappers: what comes before the act, and what trails it (which final_act must skip).

NARRATION = [
    "I started by reading {path} to understand how {thing} is wired.",
    "The root cause was that `{ident}` was called before the config was loaded.",
    "While doing this I noticed {path} had no tests, so I added a few.",
    "I ran the full suite after each change to make sure nothing regressed.",
    "The trickiest part was {thing}: the old code mixed parsing and I/O.",
    "I kept the public API unchanged so existing callers keep working.",
    "I also cleaned up two unused imports in {path}.",
    "The migration is reversible; `down` drops the new column.",
    "Performance is about the same as before (within noise on the benchmark).",
    "There was one failing test in {path}; it relied on dict ordering, which I fixed.",
]
HEADERS = [
    "## Summary",
    "**Summary of changes**",
    "### What I did",
    "Changes:",
    "**Changes made:**",
    "## Progress",
]
CODE_BLOCKS = [
    "```python\ndef {ident}(value: str) -> str:\n    return value.strip()\n```",
    "```diff\n- return None\n+ return []\n```",
    "```bash\nmake test\n```",
    "```ts\nexport const {ident} = (x: number) => x * 2;\n```",
    "```\n$ pytest -q\n{count} passed in 3.21s\n```",
    "```go\nfunc {ident}() error {\n\treturn nil\n}\n```",
]
TABLES = [
    "| File | Change |\n|------|--------|\n| {path} | new |\n| {path2} | updated |",
    "| Step | Status |\n|---|---|\n| 1 | done |\n| 2 | done |\n| 3 | pending |",
    "| Test | Result |\n| --- | --- |\n| unit | ✅ |\n| e2e | ✅ |",
]
TOOL_NOTES = [
    "⏺ Bash(pytest -q)\n  ⎿  {count} passed in 2.4s",
    "⏺ Update({path})\n  ⎿  Updated {path} with 12 additions and 3 removals",
    "$ npm test\n> {count} passing",
    "[tool: edit_file] {path}\n[result] ok",
    "● Read({path})\n  ⎿  Read 240 lines",
    "<tool_output>\nok\n</tool_output>",
]
LIST_MARKERS = ["- ", "* ", "• "]

# The other languages, one data file each (language_files.py checks them): their work items and fixed phrasings.
for _code, _lang in language_files.load().items():
    POOLS_BY_LANG[_code] = {"thing": _lang.thing}
    LANG_PHRASES[_code] = _lang.phrases

ENGLISH_WEIGHT = 0.70  # the rest are in one of the other languages (0.82 until round 12, with five of them)
# The share of examples composed from parts (training/grammar.py) rather than taken from a fixed phrasing.
GRAMMAR_SHARE = 0.5


@dataclass(frozen=True)
class Example:
    text: str
    act: str
    group: str  # the act phrasing it came from: training holds out whole groups
    tags: tuple[str, ...]


class _Filler:
    """Fills {slot} placeholders from POOLS (and a language's own pools), recursively."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng = rng
        self.lang = lang

    def pick(self, pool: str) -> str:
        local = POOLS_BY_LANG.get(self.lang, {})
        return self.rng.choice(local.get(pool) or POOLS[pool])

    def fill(self, template: str, depth: int = 0) -> str:
        chosen: dict[str, str] = {}

        def slot(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in chosen:
                return chosen[name]
            base = name.rstrip("0123456789")
            if base.lower() == "list":
                value = self.bullets([self.pick("thing") for _ in range(self.rng.randint(2, 4))])
            elif base.lower() in POOLS:
                value = self.pick(base.lower())
                if depth < 3:
                    value = self.fill(value, depth + 1)
                if base[0].isupper():
                    value = value[:1].upper() + value[1:]
            else:
                return match.group(0)  # a literal brace in code, left as it is
            chosen[name] = value
            return value

        return re.sub(r"\{([A-Za-z_]+[0-9]?)\}", slot, template)

    def bullets(self, items: list[str]) -> str:
        if self.rng.random() < 0.3:
            return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
        marker = self.rng.choice(LIST_MARKERS)
        return "\n".join(marker + item for item in items)


def _summary(f: _Filler, english: bool) -> str:
    """A paragraph of what was done, in one of a few shapes (code, a table or tool notes in other languages)."""
    rng = f.rng
    shape = rng.random() if english else rng.uniform(0.7, 1.0)
    if shape < 0.4:
        return " ".join(f.fill("{done}") for _ in range(rng.randint(1, 3))) + (
            " " + f.fill("{test}") if rng.random() < 0.5 else ""
        )
    if shape < 0.7:
        items = [f.fill("{done}").rstrip(".") for _ in range(rng.randint(2, 4))]
        header = rng.choice(HEADERS) if rng.random() < 0.6 else ""
        return (header + "\n\n" if header else "") + f.bullets(items)
    if shape < 0.85:
        return f.fill(rng.choice(CODE_BLOCKS))
    if shape < 0.93:
        return f.fill(rng.choice(TABLES))
    return f.fill(rng.choice(TOOL_NOTES))


def _wrap(f: _Filler, act_text: str, english: bool) -> tuple[str, tuple[str, ...]]:
    """Puts the act where agents put it: at the end, after some report, sometimes followed by blocks."""
    rng = f.rng
    tags: list[str] = []
    parts: list[str] = []
    shape = rng.random()
    if shape < 0.25:
        tags.append("bare")
    elif shape < 0.45 and english:
        tags.append("same-paragraph")
        act_text = f.fill(rng.choice(["{done}", "{test}", "{done} {test}"])) + " " + act_text
    elif shape < 0.8:
        tags.append("summary")
        parts.append(_summary(f, english))
    else:
        tags.append("long-report")
        if english and rng.random() < 0.5:
            parts.append(rng.choice(HEADERS))
        for _ in range(rng.randint(2, 5)):
            if english and rng.random() < 0.6:
                parts.append(" ".join(f.fill(line) for line in rng.sample(NARRATION, rng.randint(1, 3))))
            else:
                parts.append(_summary(f, english))
    parts.append(act_text)
    trailing = rng.random()
    if trailing < 0.06:
        tags.append("trailing-code")
        parts.append(f.fill(rng.choice(CODE_BLOCKS)))
    elif trailing < 0.10:
        tags.append("trailing-tool")
        parts.append(f.fill(rng.choice(TOOL_NOTES)))
    elif trailing < 0.13:
        tags.append("trailing-table")
        parts.append(f.fill(rng.choice(TABLES)))
    text = "\n\n".join(parts)
    if rng.random() < 0.1:
        text += "\n" * rng.randint(1, 3)
    return text, tuple(tags)


def _style(rng: random.Random, text: str, english: bool) -> tuple[str, tuple[str, ...]]:
    """Register variations that keep the act: all lowercase, no final full stop."""
    tags: list[str] = []
    if english and rng.random() < 0.1:
        text = text.lower()
        tags.append("lowercase")
    if rng.random() < 0.08 and text.endswith("."):
        text = text[:-1]
        tags.append("no-period")
    return text, tuple(tags)


def generate(n_per_act: int = 600, seed: int = 19) -> list[Example]:
    """n_per_act examples of each stop act, deterministic for the seed."""
    rng = random.Random(seed)
    langs = sorted(LANG_PHRASES)
    out: list[Example] = []
    for act in PHRASES:
        for _ in range(n_per_act):
            english = rng.random() < ENGLISH_WEIGHT
            lang = "en" if english else rng.choice(langs)
            filler = _Filler(rng, lang)
            composed = grammar.compose(rng, act, lang) if rng.random() < GRAMMAR_SHARE else None
            if composed:
                template, group, hard = composed
            else:
                hard = act in HARD and english and rng.random() < 0.3
                pool = HARD[act] if hard else (PHRASES[act] if english else LANG_PHRASES[lang][act])
                index = rng.randrange(len(pool))
                template, group = pool[index], f"{lang}:{act}:{'hard' if hard else 'base'}:{index}"
            act_text = filler.fill(template)
            if english and rng.random() < 0.06:  # a chatty opener before the act itself
                act_text = rng.choice(["Okay! ", "Alright — ", "Great, ", "Sure. ", "Right, "]) + act_text
            text, wrap_tags = _wrap(filler, act_text, english)
            text, style_tags = _style(rng, text, english)
            tags = (lang, *(["hard"] if hard else []), *(["grammar"] if composed else []), *wrap_tags, *style_tags)
            out.append(Example(text=text, act=act, group=group, tags=tags))
    rng.shuffle(out)
    return out


def _main(show: Callable[[str], None] = print) -> None:
    """Prints a few examples per act: for reading the corpus, not for training."""
    corpus = generate()
    show(f"{len(corpus)} examples")
    seen: dict[str, int] = {}
    for ex in corpus:
        if seen.get(ex.act, 0) < 3:
            seen[ex.act] = seen.get(ex.act, 0) + 1
            show(f"--- {ex.act} {ex.tags}\n{ex.text}")


if __name__ == "__main__":
    _main()
