-- Holds number 4 on the web branch only, so that 0005 applies here: the
-- application-core change owns 0004. At the merge this file is deleted and
-- theirs takes the number (no released database has applied this one).
SELECT 1;
