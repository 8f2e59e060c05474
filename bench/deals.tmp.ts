import { benchDeals } from './deals';
import { printTable } from './harness';
printTable('deals — node ' + process.version, benchDeals());
