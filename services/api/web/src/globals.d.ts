// The pages' scripts share nothing but these globals: common.ts's helpers and the report's chart code.
interface Window {
  Flex: any;
  FlexrosterReport: { render(data: unknown, panels: string[]): void; panels: string[] };
}

/** One shift of a roster, as the REST routes send it. */
interface Assignment { agentId: string; start: string; end: string; skill: string; template?: string }
