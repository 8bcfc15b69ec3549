/** The admin API's answers, as far as the dashboard reads them (docs/operations.md). */
export {};
