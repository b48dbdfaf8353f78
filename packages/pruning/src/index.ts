// The public API of @retain/pruning: its modules are exported here as they land.
export {};
