// UI scenarios (uiScenario.ts) against vsftpd, the connection added in passive mode (step 4 switches it to active).
import { defineUiScenarios } from './uiScenario';

defineUiScenarios({ server: 'vsftpd', mode: 'passive' });
