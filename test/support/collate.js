// Prints this process's default collation locale and how it sorts the names given as JSON.
const names = JSON.parse(process.argv[2]);
process.stdout.write(JSON.stringify({
  locale: new Intl.Collator().resolvedOptions().locale,
  sorted: [...names].sort((a, b) => a.localeCompare(b)),
}));
