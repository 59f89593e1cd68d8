// UI scenarios (uiScenario.ts) against ftp-srv (the demo's server), the connection added in active mode (step 4
// switches it to passive).
import { defineUiScenarios } from './uiScenario';

defineUiScenarios({ server: 'ftp-srv', mode: 'active' });
