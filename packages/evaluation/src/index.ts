// The public API of @retain/evaluation: its modules are exported here as they land.
export {};
