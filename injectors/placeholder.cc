// Keeps the injector library non-empty until its sources land.
