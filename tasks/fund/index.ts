// Definition of the `fund` task: top up the deterministic wallet set.
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const fundTask = task("fund", "Top up the deterministic wallet set (payment users, merchants, lenders, borrowers, IoT devices, IoT operators) from the first account")
  .addOption({
    name: "target",
    description: "Balance in ETH each wallet is topped up to (default: 10 on local chains, 0.01 elsewhere)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "threshold",
    description: "Only wallets below this balance in ETH are topped up (default: half the target)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "counts",
    description: "Wallets per role, e.g. payment_user=6,merchant=4,lender=3,borrower=4,iot_device=5,iot_operator=3 (those are the defaults)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "csv",
    description: "Also write the public wallet list (the predecessor's columns, no private keys) to this CSV file",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addFlag({ name: "dryRun", description: "Print the plan (role, address, balance, top-up) and the total; send nothing" })
  .addFlag({ name: "fromParent", description: "First bring what the funder lacks from the parent chain through the rollup's inbox (Arbitrum chains; <NETWORK>_PARENT_RPC_URL, _PARENT_PRIVATE_KEY, _ROLLUP_ADDRESS)" })
  .addOption({ name: "funderReserve", description: "With --from-parent: ETH the funder keeps on the child beyond the top-ups, for deploys and commits (default: 1 on local chains, 0.01 elsewhere)", type: ArgumentType.STRING, defaultValue: "" })
  .addOption({ name: "timeout", description: "With --from-parent: seconds to wait for each deposit on the child", type: ArgumentType.INT, defaultValue: 900 })
  .addOption({ name: "lookback", description: "With --from-parent: parent blocks searched for deposits already in flight", type: ArgumentType.INT, defaultValue: 5000 })
  .setAction(() => import("./task-action.js"))
  .build();
